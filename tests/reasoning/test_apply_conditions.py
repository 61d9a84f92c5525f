"""Applicability, start and stop conditions; applicability behaviour; expression languages."""
from __future__ import annotations

from fhirrules.reasoning.actions import CONDITION_RESULT
from fhirrules.reasoning.apply import ApplyRequest, apply_plan_definition
from fhirrules.reasoning.data import ResourceData
from reasoning_builders import PATIENT, applicability, cql, kb_of, library, plan
from reasoning_validation import assert_valid_r4

RULES = cql('define "Yes": true', 'define "No": false', 'define "Nothing": null',
            'define "Number": 3', 'define "Broken": Error(\'boom\')', 'define "EX": "Enable EX"')


def _apply(actions, **kw):
    kb = kb_of(library(RULES), plan(actions, **kw))
    req = ApplyRequest(subject="p1", data=ResourceData([PATIENT]), parameters={"Enable EX": False})
    return apply_plan_definition(kb, "plan", req)


def _ids(result):
    return [a.get("id") for a in result.request_group.get("action", [])]


def test_only_boolean_true_passes():
    result = _apply([{"id": "yes", "condition": [applicability("Yes")]},
                     {"id": "no", "condition": [applicability("No")]},
                     {"id": "always"}])
    assert _ids(result) == ["yes", "always"]
    assert result.issues == []


def test_null_condition_excludes_and_is_reported():
    result = _apply([{"id": "null", "condition": [applicability("Nothing")]}])
    assert _ids(result) == []
    assert [(i.severity, i.expression) for i in result.issues] == [("information", "Nothing")]
    assert "null" in result.issues[0].message
    # informational: in the API result, not as an OperationOutcome on every ordinary apply
    careplan = result.as_careplan()
    assert [r["resourceType"] for r in careplan["contained"]] == ["RequestGroup"]
    assert_valid_r4(careplan)


def test_non_boolean_condition_is_false_with_a_warning():
    result = _apply([{"id": "n", "condition": [applicability("Number")]}])
    assert _ids(result) == []
    assert [i.severity for i in result.issues] == ["warning"]
    careplan = result.as_careplan()
    outcome = careplan["contained"][1]
    assert outcome["id"] == "apply-outcome-plan" and "not a Boolean" in outcome["issue"][0]["diagnostics"]
    assert careplan["contained"][0]["extension"][0]["valueReference"] == {"reference": "#apply-outcome-plan"}
    assert careplan["extension"][0]["valueReference"] == {"reference": "#apply-outcome-plan"}
    assert_valid_r4(careplan)


def test_plan_extensions_and_user_language_reach_the_request_group():
    ext = {"url": "http://example.org/StructureDefinition/strategy", "valueString": "salvage"}
    kb = kb_of(library(RULES), plan([], extension=[ext, {
        "url": "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-knowledgeCapability", "valueCode": "executable"}]))
    result = apply_plan_definition(kb, "plan", ApplyRequest(subject="p1", data=ResourceData([PATIENT]),
                                                            user_language={"coding": [{"code": "en-GB"}]}))
    assert result.request_group["extension"] == [ext]
    assert result.request_group["language"] == "en-GB" and result.as_careplan()["language"] == "en-GB"


def test_failing_condition_is_an_error_issue_not_a_crash():
    result = _apply([{"id": "b", "condition": [applicability("Broken")]}, {"id": "after"}])
    assert _ids(result) == ["after"]
    assert result.issues[0].severity == "error" and "boom" in result.issues[0].message


def test_all_applicability_conditions_must_hold():
    result = _apply([{"id": "both", "condition": [applicability("Yes"), applicability("No")]}])
    assert _ids(result) == []


def test_parameters_reach_conditions():
    result = _apply([{"id": "ex", "condition": [applicability("EX")]}])
    assert _ids(result) == []


def test_start_and_stop_conditions_are_evaluated_and_recorded():
    result = _apply([{"id": "a", "condition": [
        {"kind": "start", "expression": {"language": "text/cql-identifier", "expression": "Yes"}},
        {"kind": "stop", "expression": {"language": "text/cql-identifier", "expression": "No"}},
        {"kind": "stop", "expression": {"language": "text/cql-identifier", "expression": "Broken"}}]}])
    conds = result.request_group["action"][0]["condition"]
    assert [c["extension"][0] for c in conds] == [
        {"url": CONDITION_RESULT, "valueBoolean": True},
        {"url": CONDITION_RESULT, "valueBoolean": False},
        {"url": CONDITION_RESULT, "valueCode": "error"}]
    assert len(result.issues) == 1
    assert_valid_r4(result.as_bundle())


def test_applicability_behavior_any_takes_the_first_applicable_child():
    any_ext = {"url": "http://hl7.org/fhir/StructureDefinition/cqf-applicabilityBehavior", "valueCode": "any"}
    children = [{"id": "c1", "condition": [applicability("No")]},
                {"id": "c2", "condition": [applicability("Yes")]},
                {"id": "c3"}]
    result = _apply([{"id": "group", "extension": [any_ext], "action": children},
                     {"id": "group-all", "action": [dict(c) for c in children]}])
    groups = result.request_group["action"]
    assert [c["id"] for c in groups[0]["action"]] == ["c2"]
    assert [c["id"] for c in groups[1]["action"]] == ["c2", "c3"]


def test_cql_expression_and_alternative_expression():
    alt = {"url": "http://hl7.org/fhir/StructureDefinition/cqf-alternativeExpression",
           "valueExpression": {"language": "text/cql-expression", "expression": "true"}}
    result = _apply([
        {"id": "expr", "condition": [applicability("\"Yes\"", "text/cql-expression")]},
        {"id": "expr-false", "condition": [applicability("false", "text/cql")]},
        {"id": "fallback", "condition": [{"kind": "applicability", "expression": {
            "language": "text/x-unknown", "expression": "whatever", "extension": [alt]}}]}])
    assert _ids(result) == ["expr", "fallback"]
    assert result.issues == []


def test_fhirpath_condition_sees_the_subject():
    result = _apply([
        {"id": "female", "condition": [applicability("%subject.gender = 'female'", "text/fhirpath")]},
        {"id": "male", "condition": [applicability("%subject.gender = 'male'", "text/fhirpath")]}])
    assert _ids(result) == ["female"]


def test_each_define_runs_once_per_apply():
    kb = kb_of(library(RULES), plan([{"id": f"a{n}", "condition": [applicability("Yes")]} for n in range(5)]))
    apply_plan_definition(kb, "plan", ApplyRequest(subject="p1", data=ResourceData([PATIENT])))
    lib = kb.bridge.compiled[0]
    assert lib.evaluations == 1
