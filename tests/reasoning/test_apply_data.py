"""Patient data as $apply sees it: references, prefetch merged over the request data."""
from __future__ import annotations

from fhirrules.reasoning.apply import ApplyRequest, apply_plan_definition
from fhirrules.reasoning.data import ResourceData, find_resource, merge_prefetch, only_patient_id, split_reference
from fhirrules.reasoning.session import normalise_reference
from reasoning_builders import PATIENT, applicability, cql, kb_of, library, plan

COND = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "31996006"}]}}
OTHER = {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/p2"}}


def test_references():
    assert split_reference("Patient/1", "Patient") == ("Patient", "1")
    assert split_reference("1", "Patient") == ("Patient", "1")
    assert split_reference("http://x.org/fhir/Encounter/e", "Patient") == ("Encounter", "e")
    assert normalise_reference("p1", "Patient") == "Patient/p1"
    assert normalise_reference("Patient/Patient/TEST", "Patient") == "Patient/TEST"
    assert normalise_reference(None, "Encounter") is None


def test_resource_data_patient_compartment():
    data = ResourceData([PATIENT, COND, OTHER])
    assert data.retrieve("Condition", context="Patient", context_value=PATIENT) == [COND]
    assert find_resource(data, "Condition", "c2") is OTHER
    assert only_patient_id(data) == "p1"


def test_prefetch_is_merged_over_the_data_without_duplicates():
    merged = merge_prefetch(ResourceData([PATIENT, COND]), [dict(COND), OTHER], None)
    conditions = merged.retrieve("Condition", context=None, context_value=None, code_path=None, codes=None)
    assert sorted(c["id"] for c in conditions) == ["c1", "c2"]


def test_prefetch_alone_is_enough_data():
    kb = kb_of(library(cql('define "Yes": true')), plan([{"id": "a", "condition": [applicability("Yes")]}]))
    bundle = {"resourceType": "Bundle", "entry": [{"resource": PATIENT}, {"resource": COND}]}
    result = apply_plan_definition(kb, "plan", ApplyRequest(prefetch={"patient": PATIENT, "conditions": bundle,
                                                                      "empty": None}))
    assert result.request_group["subject"] == {"reference": "Patient/p1"}
    assert [a["id"] for a in result.request_group["action"]] == ["a"]


def test_user_context_reaches_fhirpath():
    kb = kb_of(library(cql('define "Yes": true')), plan([
        {"id": "nurse", "condition": [applicability("%userType = 'nurse'", "text/fhirpath")]},
        {"id": "doctor", "condition": [applicability("%userType = 'doctor'", "text/fhirpath")]}]))
    result = apply_plan_definition(kb, "plan", ApplyRequest(subject="p1", data=ResourceData([PATIENT]),
                                                            user_type="nurse"))
    assert [a["id"] for a in result.request_group["action"]] == ["nurse"]


def test_action_inputs_become_fhirpath_variables_for_the_action_and_its_children():
    vasculitis = {"id": "vasculitis", "type": "Condition",
                  "codeFilter": [{"path": "code", "code": [{"system": "http://snomed.info/sct", "code": "31996006"}]}]}
    lupus = {"id": "lupus", "type": "Condition",
             "codeFilter": [{"path": "code", "code": [{"system": "http://snomed.info/sct", "code": "55464009"}]}]}
    kb = kb_of(library(cql('define "Yes": true')), plan([
        {"id": "outer", "input": [vasculitis, lupus],
         "condition": [applicability("%vasculitis.exists()", "text/fhirpath")],
         "action": [{"id": "child-v", "condition": [applicability("%vasculitis.count() = 1", "text/fhirpath")]},
                    {"id": "child-l", "condition": [applicability("%lupus.exists()", "text/fhirpath")]}]},
        {"id": "sibling", "condition": [applicability("%vasculitis.exists()", "text/fhirpath")]}]))
    result = apply_plan_definition(kb, "plan", ApplyRequest(subject="p1", data=ResourceData([PATIENT, COND, OTHER])))
    [outer] = result.request_group["action"]
    assert [a["id"] for a in outer["action"]] == ["child-v"]
    # outside the action that declares it the variable is unknown: reported, not applicable
    assert any("sibling" in i.location and i.severity == "error" for i in result.issues)
