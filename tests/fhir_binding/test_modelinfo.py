"""The generated model table agrees with the model info the reference engines use."""
from __future__ import annotations

import importlib.util
import json

from fhirrules.fhir.modelinfo_table import CONTEXTS, TYPES
from fhirrules.fhir.typeinfo import (choice_key, choice_of_key, element_info, is_subtype,
                                     patient_paths, primary_code_path, primitive_system_type)


def test_table_is_regenerated_from_shared_modelinfo(shared_dir, project_root):
    spec = importlib.util.spec_from_file_location("gen_modelinfo", project_root / "tools" / "gen_modelinfo.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    fresh = gen.generate(shared_dir / "modelinfo" / "fhir-modelinfo-4.0.1.xml")
    committed = json.loads((project_root / "fhirrules" / "fhir" / "modelinfo_table.json").read_text())
    assert fresh == committed


def test_every_resource_type_is_present():
    for name in ("Patient", "Observation", "Condition", "MedicationRequest", "Encounter",
                 "Procedure", "Medication", "ValueSet", "PlanDefinition", "Bundle"):
        assert TYPES[f"FHIR.{name}"].get("retrievable") == 1, name
    assert len(TYPES) > 900


def test_primary_code_paths_match_modelinfo():
    assert primary_code_path("Condition") == "code"
    assert primary_code_path("MedicationRequest") == "medication"
    assert primary_code_path("Encounter") == "type"
    assert primary_code_path("Observation") == "code"
    assert primary_code_path("Patient") is None


def test_choice_elements_and_inheritance():
    typ, many = element_info("FHIR.Observation", "value")
    assert "FHIR.Quantity" in typ and "FHIR.string" in typ and not many
    assert element_info("FHIR.Observation", "id") == ("FHIR.id", False)      # from Resource
    assert element_info("FHIR.Coding", "extension") == ("FHIR.Extension", True)  # from Element
    assert element_info("FHIR.Observation", "nonsense") is None
    assert choice_key("value", "FHIR.dateTime") == "valueDateTime"
    assert choice_of_key("FHIR.Observation", "valueQuantity") == ("value", "FHIR.Quantity")
    assert is_subtype("FHIR.Age", "FHIR.Quantity")
    assert not is_subtype("FHIR.Quantity", "FHIR.Age")


def test_primitives_and_contexts():
    assert primitive_system_type("FHIR.date") == "System.Date"
    assert primitive_system_type("FHIR.id") == "System.String"
    assert primitive_system_type("FHIR.ObservationStatus") == "System.String"
    assert primitive_system_type("FHIR.Quantity") is None
    assert "subject" in patient_paths("Observation")
    # the model info names search parameters ('patient'); the table resolves them to elements
    assert patient_paths("Condition")[0] == "subject" and patient_paths("Encounter") == ["subject"]
    assert patient_paths("AllergyIntolerance")[0] == "patient" and patient_paths("Medication") == []
    assert CONTEXTS["Patient"]["birthDateElement"] == "birthDate.value"
