"""Member access, types and implicit conversions on plain FHIR dicts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlSemanticError
from fhirrules.cql.types.clinical import Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.fhir.model import MODEL
from fhirrules.fhir.values import FhirElement, FhirPrimitive, is_model_value

OBS = {"resourceType": "Observation", "id": "o1", "status": "final",
       "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}], "text": "Creatinine"},
       "valueQuantity": {"value": 1.25, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"},
       "effectivePeriod": {"start": "2020-01-02T10:00:00Z"},
       "component": [{"code": {"text": "a"}, "valueString": "x"}, {"code": {"text": "b"}, "valueInteger": 3}],
       "madeUpElement": 7}
PATIENT = {"resourceType": "Patient", "id": "p", "birthDate": "1980-05-02",
           "_birthDate": {"id": "bd", "extension": [{"url": "http://x", "valueString": "approx"}]},
           "name": [{"given": ["A", "B"], "_given": [None, {"id": "g2"}]}]}


def test_choice_element_resolves_and_keeps_its_type():
    value = MODEL.get_property(OBS, "value")
    assert isinstance(value, FhirElement) and value.type == "FHIR.Quantity"
    assert MODEL.is_type(value, "FHIR.Quantity") is True
    assert MODEL.is_type(value, "FHIR.CodeableConcept") is False
    q = MODEL.to_system(value)
    assert isinstance(q, Quantity) and q.value == Decimal("1.25") and q.unit == "mg/dL"
    assert MODEL.get_property(OBS, "effective").type == "FHIR.Period"
    assert MODEL.get_property(OBS, "valueQuantity").type == "FHIR.Quantity"   # JSON name works too


def test_choice_inside_backbone_elements():
    values = MODEL.get_property(OBS, "component.value")
    assert [v.type for v in values] == ["FHIR.string", "FHIR.integer"]
    assert [MODEL.to_system(v) for v in values] == ["x", 3]


def test_primitive_has_value_id_and_extension():
    bd = MODEL.get_property(PATIENT, "birthDate")
    assert isinstance(bd, FhirPrimitive) and bd.type == "FHIR.date"
    assert MODEL.is_type(bd, "FHIR.date")
    assert bd.value.cql_str() in ("@1980-05-02",)
    assert MODEL.get_property(bd, "id") == "bd"
    ext = MODEL.get_property(bd, "extension")
    assert MODEL.to_system(MODEL.get_property(ext, "value")) == ["approx"]
    given = MODEL.get_property(PATIENT, "name.given")
    assert [g.raw for g in given] == ["A", "B"] and given[1].ext == {"id": "g2"}


def test_codes_and_unknown_elements():
    assert isinstance(MODEL.to_system(MODEL.get_property(OBS, "code")), Concept)
    assert MODEL.get_property(OBS, "status").value == "final"
    assert MODEL.get_property(OBS, "madeUpElement") is None
    assert MODEL.type_name(OBS) == "FHIR.Observation"
    assert MODEL.is_type(OBS, "FHIR.DomainResource") and MODEL.is_type(OBS, "Resource")
    assert MODEL.is_type(5, "FHIR.Observation") is None
    assert is_model_value(OBS) and not is_model_value({"a": 1})


def test_period_converts_to_interval():
    iv = MODEL.to_system(MODEL.get_property(OBS, "effective"))
    assert isinstance(iv, Interval) and iv.low is not None and iv.high is None and iv.high_closed


def test_create_instances():
    coding = MODEL.create("Coding", {"system": "s", "code": "c"})
    assert MODEL.to_system(coding).code == "c"
    pat = MODEL.create("FHIR.Patient", {"id": "x", "active": True})
    assert pat == {"resourceType": "Patient", "id": "x", "active": True}
    obs = MODEL.create("Observation", {"value": Quantity(Decimal("5"), "mg")})
    assert obs["valueQuantity"]["value"] == 5.0
    with pytest.raises(CqlSemanticError):
        MODEL.create("Patient", {"nonsense": 1})
    with pytest.raises(CqlSemanticError):
        MODEL.create("NoSuchType", {})


def test_primary_code_path_and_known_type():
    assert MODEL.primary_code_path("FHIR.MedicationRequest") == "medication"
    assert MODEL.known_type("Observation") and not MODEL.known_type("Nope")


def test_simple_quantity_choice_uses_the_quantity_json_name():
    mr = {"resourceType": "MedicationRequest", "dosageInstruction": [
        {"doseAndRate": [{"doseQuantity": {"value": 1, "unit": "patch"}}]}]}
    dose = MODEL.get_property(mr, "dosageInstruction.doseAndRate.dose")
    assert [d.type for d in dose] == ["FHIR.SimpleQuantity"]
    assert MODEL.is_type(dose[0], "FHIR.Quantity")
    assert MODEL.to_system(dose[0]).value == 1


def test_system_members_on_elements_with_a_conversion():
    concept = MODEL.get_property(OBS, "code")
    assert [c.code for c in MODEL.get_property(concept, "codes")] == ["2160-0"]   # as System.Concept
    assert MODEL.get_property(concept, "display") == "Creatinine"
    assert MODEL.get_property(concept, "text").value == "Creatinine"            # the FHIR element
    assert MODEL.get_property(MODEL.get_property(OBS, "effective"), "low") is not None
    assert MODEL.get_property(concept, "nonsense") is None
