"""$apply over the project's own CQL engine and FHIR binding, end to end: retrieves by
code and value set, FHIRHelpers conversions, a Quantity dynamicValue into a dose, a
String into the card detail, parameters.  Skipped (with the reason) while the engine
cannot compile the library."""
from __future__ import annotations

import base64

import pytest

from fhirrules.reasoning.apply import ApplyRequest, apply_plan_definition
from fhirrules.reasoning.cql_bridge import EngineBridge
from fhirrules.reasoning.knowledge import KnowledgeBase
from reasoning_validation import assert_valid_r4

CQL = """library RealRules version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1'
codesystem "SNOMED": 'http://snomed.info/sct'
codesystem "LOINC": 'http://loinc.org'
code "Vasculitis": '31996006' from "SNOMED"
code "Creatinine": '2160-0' from "LOINC"
valueset "Kidney disease": 'http://example.org/ValueSet/kidney'
parameter "Enable EX Rules" Boolean default false
context Patient
define "Has vasculitis": exists [Condition: "Vasculitis"]
define "Has kidney disease": exists [Condition: "Kidney disease"]
define "Latest creatinine": First([Observation: "Creatinine"] O sort by (effective as FHIR.dateTime) descending).value as FHIR.Quantity
define "Dose": 375 'mg/m2'
define "Detail": 'Creatinine ' + ToString(("Latest creatinine").value) + ' mg/dL'
define "EX": "Enable EX Rules"
define "Nothing": null as Boolean
"""

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1960-05-01"}
DATA = [PATIENT,
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "31996006"}]}},
        {"resourceType": "Observation", "id": "o1", "status": "final", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
         "effectiveDateTime": "2025-01-01", "valueQuantity": {"value": 2.4, "unit": "mg/dL",
                                                            "system": "http://unitsofmeasure.org", "code": "mg/dL"}}]
VALUESET = {"resourceType": "ValueSet", "id": "kidney", "url": "http://example.org/ValueSet/kidney", "status": "active",
            "expansion": {"timestamp": "2025-01-01", "contains": [{"system": "http://snomed.info/sct", "code": "236425005"}]}}


def ident(name):
    return {"language": "text/cql-identifier", "expression": name}


def _kb() -> KnowledgeBase:
    kb = KnowledgeBase(EngineBridge())
    kb.add_resource({"resourceType": "Library", "id": "RealRules", "url": "http://example.org/Library/RealRules",
                     "name": "RealRules", "version": "1.0.0", "status": "active",
                     "type": {"coding": [{"code": "logic-library"}]},
                     "content": [{"contentType": "text/cql", "data": base64.b64encode(CQL.encode()).decode()}]})
    kb.add_resource(VALUESET)
    kb.add_resource({"resourceType": "ActivityDefinition", "id": "rtx", "url": "http://example.org/ActivityDefinition/rtx",
                     "status": "active", "kind": "MedicationRequest", "library": ["http://example.org/Library/RealRules"],
                     "productCodeableConcept": {"text": "rituximab"},
                     "dynamicValue": [{"path": "dosage[0].doseAndRate[0].doseQuantity", "expression": ident("Dose")}]})
    kb.add_resource({"resourceType": "PlanDefinition", "id": "real", "url": "http://example.org/PlanDefinition/real",
                     "status": "active", "library": ["http://example.org/Library/RealRules"], "action": [
                         {"id": "R.1", "condition": [{"kind": "applicability", "expression": ident("Has vasculitis")}],
                          "dynamicValue": [{"path": "action.description", "expression": ident("Detail")}],
                          "action": [{"id": "R.1.1", "definitionCanonical": "http://example.org/ActivityDefinition/rtx"}]},
                         {"id": "R.2", "condition": [{"kind": "applicability", "expression": ident("Has kidney disease")}]},
                         {"id": "R.3", "condition": [{"kind": "applicability", "expression": ident("EX")}]},
                         {"id": "R.4", "condition": [{"kind": "applicability", "expression": ident("Nothing")}]}]})
    kb.compile_all()
    if kb.problems:
        pytest.skip(f"the CQL engine cannot compile the test library yet: {kb.problems[0]}")
    return kb


def _record():
    from fhirrules.fhir.record import PatientRecord
    return PatientRecord(DATA)


def test_apply_with_the_real_engine():
    kb = _kb()
    result = apply_plan_definition(kb, "real", ApplyRequest(subject="p1", data=_record(),
                                                            now="2025-06-01T00:00:00Z"))
    actions = result.request_group.get("action", [])
    assert [a["id"] for a in actions] == ["R.1"], result.issues
    assert actions[0]["description"] == "Creatinine 2.4 mg/dL"
    [mr] = result.resources
    assert mr["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] == {
        "value": 375, "unit": "mg/m2", "system": "http://unitsofmeasure.org", "code": "mg/m2"}
    assert [(i.severity, i.expression) for i in result.issues] == [("information", "Nothing")]
    assert_valid_r4(result.as_careplan())


def test_parameters_with_the_real_engine():
    kb = _kb()
    result = apply_plan_definition(kb, "real", ApplyRequest(subject="p1", data=_record(),
                                                            parameters={"Enable EX Rules": True}))
    assert [a["id"] for a in result.request_group["action"]] == ["R.1", "R.3"]
