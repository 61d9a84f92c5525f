"""What an action carries onto the RequestGroup; dynamicValues; definitions (contained,
nested two levels, Questionnaire, missing); goals; both output forms."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.types.quantity import Quantity
from fhirrules.reasoning.apply import ApplyRequest, apply_plan_definition
from fhirrules.reasoning.data import ResourceData
from fhirrules.reasoning.outcomes import CQF_MESSAGES
from reasoning_builders import PATIENT, applicability, cql, kb_of, library, plan
from reasoning_validation import assert_valid_r4

RULES = cql('define "Yes": true', 'define "Summary": \'Rituximab after cyclophosphamide\'',
            'define "Broken": Error(\'no creatinine\')', 'define "Detail": \'eGFR 28\'')
QOE = {"url": "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence",
       "valueCodeableConcept": {"coding": [{"system": "http://fhirrules.org/fhir/CodeSystem/evidence-level",
                                            "code": "E2"}]}}
PYTHON = {"Rules": {"Dose": lambda ctx: Quantity(Decimal("375"), "mg/m2")}}


def dv(path: str, name: str) -> dict:
    return {"path": path, "expression": {"language": "text/cql-identifier", "expression": name}}


def _apply(*resources, practitioner=None, **kw):
    kb = kb_of(library(RULES), *resources, python_defines=PYTHON)
    req = ApplyRequest(subject="Patient/p1", data=ResourceData([PATIENT]), practitioner=practitioner, **kw)
    return apply_plan_definition(kb, "plan", req)


def test_action_elements_are_carried():
    action = {"id": "A.5", "extension": [QOE], "title": "t", "description": "d", "textEquivalent": "te",
              "priority": "urgent", "code": [{"text": "c"}], "prefix": "1",
              "documentation": [{"type": "citation", "citation": "Jones 2010"}],
              "timingTiming": {"repeat": {"frequency": "1", "period": 4, "periodUnit": "wk"}},
              "relatedAction": [{"actionId": "A.6", "relationship": "after-end",
                                 "offsetDuration": {"value": 4, "unit": "weeks", "system": "http://unitsofmeasure.org", "code": "wk"}}],
              "groupingBehavior": "logical-group", "selectionBehavior": "at-most-one",
              "requiredBehavior": "could", "precheckBehavior": "yes", "cardinalityBehavior": "single",
              "participant": [{"type": "practitioner"}, {"type": "related-person", "role": {"text": "carer"}}],
              "condition": [applicability("Yes")],
              "trigger": [{"type": "named-event", "name": "patient-view"}]}
    result = _apply(plan([action, {"id": "A.6"}]), practitioner="dr1")
    out = result.request_group["action"][0]
    for key in ("id", "title", "description", "textEquivalent", "priority", "code", "documentation",
                "relatedAction", "groupingBehavior", "selectionBehavior", "requiredBehavior",
                "precheckBehavior", "cardinalityBehavior", "condition"):
        assert out[key] == action[key], key
    assert out["timingTiming"]["repeat"]["frequency"] == 1
    assert out["extension"][0] == QOE
    assert out["participant"] == [{"reference": "Practitioner/dr1"}]
    assert "trigger" not in out and "prefix" not in out
    assert result.request_group["author"] == {"reference": "Practitioner/dr1"}
    assert_valid_r4(result.as_careplan())
    assert_valid_r4(result.as_bundle())


def test_action_dynamic_values_set_title_and_description():
    result = _apply(plan([{"id": "A.1", "title": "static", "dynamicValue": [
        dv("action.title", "Summary"), dv("action.description", "Detail")]}]))
    out = result.request_group["action"][0]
    assert (out["title"], out["description"]) == ("Rituximab after cyclophosphamide", "eGFR 28")


def test_failing_dynamic_value_is_recorded_and_the_rest_applies():
    result = _apply(plan([{"id": "A.1", "title": "static", "dynamicValue": [
        dv("action.description", "Broken"), dv("action.title", "Summary")]}]))
    out = result.request_group["action"][0]
    assert out["title"] == "Rituximab after cyclophosphamide"
    assert "description" not in out
    [issue] = result.issues
    assert issue.severity == "error" and "no creatinine" in issue.message
    assert "A.1" in issue.location and "action.description" in issue.location
    careplan = result.as_careplan()
    rg = careplan["contained"][0]
    link = next(e for e in rg["action"][0]["extension"] if e["url"] == CQF_MESSAGES)
    outcome = next(r for r in careplan["contained"] if r["resourceType"] == "OperationOutcome")
    assert link["valueReference"]["reference"] == f"#{outcome['id']}"
    bundle = result.as_bundle()
    assert bundle["entry"][-1]["resource"]["resourceType"] == "OperationOutcome"
    assert_valid_r4(careplan)
    assert_valid_r4(bundle)


MED_AD = {"resourceType": "ActivityDefinition", "id": "rtx", "url": "http://example.org/ActivityDefinition/rtx",
          "status": "active", "kind": "MedicationRequest", "doNotPerform": False,
          "productCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                 "code": "121191", "display": "rituximab"}]},
          "dosage": [{"text": "placeholder", "route": {"text": "IV"}}],
          "dynamicValue": [dv("dosage[0].doseAndRate[0].doseQuantity", "Dose"),
                           dv("dosage[0].text", "Summary")]}


def test_contained_activity_definition_becomes_a_medication_request():
    pd = plan([{"id": "A.1", "action": [{"id": "A.1.1", "definitionCanonical": "#rtx"}]}])
    pd["contained"] = [dict(MED_AD)]
    result = _apply(pd, encounter="e1", practitioner="dr1")
    [mr] = result.resources
    assert mr["resourceType"] == "MedicationRequest" and mr["id"] == "rtx"
    assert mr["intent"] == "proposal" and mr["doNotPerform"] is False
    assert mr["medicationCodeableConcept"] == MED_AD["productCodeableConcept"]
    assert mr["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] == {
        "value": 375, "unit": "mg/m2", "system": "http://unitsofmeasure.org", "code": "mg/m2"}
    assert mr["dosageInstruction"][0]["text"] == "Rituximab after cyclophosphamide"
    assert mr["subject"] == {"reference": "Patient/p1"} and mr["encounter"] == {"reference": "Encounter/e1"}
    assert mr["requester"] == {"reference": "Practitioner/dr1"}
    assert mr["instantiatesCanonical"] == ["http://example.org/ActivityDefinition/rtx"]
    child = result.request_group["action"][0]["action"][0]
    assert child["resource"] == {"reference": "MedicationRequest/rtx"}
    careplan = result.as_careplan()
    assert careplan["contained"][0]["action"][0]["action"][0]["resource"] == {"reference": "#rtx"}
    assert [r["id"] for r in careplan["contained"]] == ["plan", "rtx"]
    assert_valid_r4(careplan)
    assert_valid_r4(result.as_bundle())


def test_the_same_activity_twice_gets_distinct_ids():
    pd = plan([{"id": "a", "definitionCanonical": "#rtx"}, {"id": "b", "definitionCanonical": "#rtx"}])
    pd["contained"] = [dict(MED_AD)]
    result = _apply(pd)
    assert [r["id"] for r in result.resources] == ["rtx", "rtx2"]
    assert [a["resource"]["reference"] for a in result.request_group["action"]] == \
        ["MedicationRequest/rtx", "MedicationRequest/rtx2"]


def test_nested_plan_definitions_two_levels_deep():
    inner = plan([{"id": "inner-a", "definitionCanonical": "http://example.org/ActivityDefinition/rtx"}],
                 pid="inner", goal=[{"description": {"text": "remission"}}])
    middle = plan([{"id": "middle-a", "definitionCanonical": inner["url"]}], pid="middle")
    top = plan([{"id": "top-a", "definitionCanonical": middle["url"]}], goal=[{"description": {"text": "top"}}])
    result = _apply(top, middle, inner, dict(MED_AD))
    assert result.request_group["action"][0]["resource"] == {"reference": "RequestGroup/middle"}
    kinds = [(r["resourceType"], r["id"]) for r in result.resources]
    assert kinds == [("RequestGroup", "middle"), ("RequestGroup", "inner"), ("MedicationRequest", "rtx")]
    middle_rg = result.resources[0]
    assert middle_rg["action"][0]["resource"] == {"reference": "RequestGroup/inner"}
    assert result.resources[1]["action"][0]["resource"] == {"reference": "MedicationRequest/rtx"}
    assert [g["id"] for g in result.goals] == ["1", "2"]
    careplan = result.as_careplan()
    contained = {r["id"]: r for r in careplan["contained"]}
    assert contained["middle"]["action"][0]["resource"] == {"reference": "#inner"}
    assert careplan["goal"] == [{"reference": "#1"}, {"reference": "#2"}]
    bundle = result.as_bundle()
    assert bundle["entry"][0]["resource"]["id"] == "plan"
    inner_rg = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == "inner")
    assert inner_rg["extension"][0]["valueReference"] == {"reference": "Goal/2"}   # top goal is 1
    assert_valid_r4(careplan)
    assert_valid_r4(bundle)


def test_a_plan_that_includes_itself_is_reported_not_looped():
    pd = plan([{"id": "loop", "definitionCanonical": "http://example.org/PlanDefinition/plan"}])
    result = _apply(pd)
    assert "resource" not in result.request_group["action"][0]
    assert "includes itself" in result.issues[0].message


def test_questionnaire_is_referenced_and_missing_definitions_reported():
    q = {"resourceType": "Questionnaire", "id": "bvas", "url": "http://example.org/Questionnaire/bvas",
         "status": "active"}
    result = _apply(plan([{"id": "q", "definitionCanonical": q["url"]},
                          {"id": "missing", "definitionCanonical": "http://example.org/ActivityDefinition/none"}]), q)
    actions = result.request_group["action"]
    assert actions[0]["resource"] == {"reference": q["url"]}
    assert actions[1]["resource"] == {"reference": "http://example.org/ActivityDefinition/none"}
    assert [i.code for i in result.issues] == ["not-found"]


def test_careplan_envelope():
    result = _apply(plan([], version="2.1.0"), encounter="Encounter/e9")
    cp = result.as_careplan()
    assert (cp["id"], cp["status"], cp["intent"]) == ("plan", "active", "proposal")
    assert cp["instantiatesCanonical"] == ["http://example.org/PlanDefinition/plan|2.1.0"]
    assert cp["encounter"] == {"reference": "Encounter/e9"}
    assert cp["activity"] == [{"reference": {"reference": "#plan"}}]
    assert_valid_r4(cp)


def test_draft_status_on_request():
    cp = _apply(plan([]), status="draft").as_careplan()
    assert (cp["status"], cp["contained"][0]["status"]) == ("draft", "draft")


def test_unknown_plan_is_a_knowledge_error():
    from fhirrules.reasoning.errors import KnowledgeError
    with pytest.raises(KnowledgeError, match="not found"):
        apply_plan_definition(kb_of(library(RULES)), "nope", ApplyRequest(subject="p1"))


def test_subject_defaults_to_the_only_patient_and_is_required_otherwise():
    from fhirrules.reasoning.errors import ApplyInputError
    kb = kb_of(library(RULES), plan([]))
    result = apply_plan_definition(kb, "plan", ApplyRequest(data=ResourceData([PATIENT])))
    assert result.request_group["subject"] == {"reference": "Patient/p1"}
    two = ResourceData([PATIENT, dict(PATIENT, id="p2")])
    with pytest.raises(ApplyInputError, match="exactly one Patient"):
        apply_plan_definition(kb, "plan", ApplyRequest(data=two))


def test_library_reference_on_the_expression_wins():
    other = library(cql('define "Yes": false', name="Other"), url="http://example.org/Library/Other", name="Other")
    cond = {"kind": "applicability", "expression": {"language": "text/cql-identifier", "expression": "Yes",
                                                    "reference": "http://example.org/Library/Other"}}
    result = _apply(plan([{"id": "a", "condition": [cond]}, {"id": "b", "condition": [applicability("Yes")]}]), other)
    assert [a["id"] for a in result.request_group["action"]] == ["b"]


def test_plan_action_dynamic_values_customise_the_generated_resource():
    pd = plan([{"id": "A.1", "definitionCanonical": "#rtx",
                "dynamicValue": [dv("dosage[0].text", "Detail"), dv("action.title", "Summary")]},
               {"id": "A.2", "dynamicValue": [dv("textEquivalent", "Summary")]}])
    pd["contained"] = [dict(MED_AD)]
    result = _apply(pd)
    [mr] = result.resources
    assert mr["dosageInstruction"][0]["text"] == "eGFR 28"       # the action's value wins over the AD's
    assert result.request_group["action"][0]["title"] == "Rituximab after cyclophosphamide"
    # without a definition, a path that is not action.* still means the action (as the reference does)
    assert result.request_group["action"][1]["textEquivalent"] == "Rituximab after cyclophosphamide"
    assert result.issues == []


def test_null_dynamic_value_keeps_the_authored_value():
    kb = kb_of(library(cql('define "Nothing": null')), plan([{"id": "A.1", "title": "authored",
                                                              "dynamicValue": [dv("action.title", "Nothing")]}]))
    result = apply_plan_definition(kb, "plan", ApplyRequest(subject="p1", data=ResourceData([PATIENT])))
    assert result.request_group["action"][0]["title"] == "authored"
    assert [i.severity for i in result.issues] == ["information"]
    assert "extension" not in result.request_group


def test_task_for_an_action_is_named_after_the_action():
    task_ad = {"resourceType": "ActivityDefinition", "id": "review", "status": "active", "kind": "Task",
               "url": "http://example.org/ActivityDefinition/review", "profile": "http://example.org/StructureDefinition/t",
               "code": {"text": "review"}}
    pd = plan([{"id": "A.7", "definitionCanonical": "#review"}, {"definitionCanonical": "#review"}])
    pd["contained"] = [task_ad]
    result = _apply(pd)
    assert [(t["id"], t["basedOn"], t["for"]) for t in result.resources] == [
        ("A.7", [{"reference": "RequestGroup/plan"}], {"reference": "Patient/p1"}),
        ("review", [{"reference": "RequestGroup/plan"}], {"reference": "Patient/p1"})]
    assert result.resources[0]["meta"] == {"profile": ["http://example.org/StructureDefinition/t"]}
    assert_valid_r4(result.as_careplan())
