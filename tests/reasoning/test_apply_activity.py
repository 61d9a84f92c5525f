"""ActivityDefinition $apply: every supported kind builds a valid R4 request."""
from __future__ import annotations

import pytest

from fhirrules.reasoning.activity import BUILDERS, target_path
from fhirrules.reasoning.apply import ApplyRequest, apply_activity_definition
from fhirrules.reasoning.data import ResourceData
from reasoning_builders import PATIENT, cql, kb_of, library
from reasoning_validation import assert_valid_r4

CODE = {"coding": [{"system": "http://snomed.info/sct", "code": "386053000", "display": "Evaluation procedure"}]}


def _ad(kind: str, **extra) -> dict:
    ad = {"resourceType": "ActivityDefinition", "id": f"ad-{kind.lower()}", "status": "active",
          "url": f"http://example.org/ActivityDefinition/{kind}", "version": "1.0", "kind": kind,
          "code": CODE, "description": "do it", "timingTiming": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
          "quantity": {"value": 2, "unit": "g", "system": "http://unitsofmeasure.org", "code": "g"},
          "bodySite": [{"text": "left arm"}]}
    ad.update(extra)
    return ad


def _apply(ad, **kw):
    kb = kb_of(library(cql('define "Yes": true')), ad)
    return apply_activity_definition(kb, ad["url"], ApplyRequest(subject="p1", data=ResourceData([PATIENT]),
                                                                 encounter="e1", practitioner="dr1",
                                                                 now="2025-06-01T00:00:00Z", **kw))


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_kind_gives_a_valid_request(kind):
    resource, issues = _apply(_ad(kind))
    assert issues == []
    assert resource["resourceType"] == BUILDERS[kind][0]
    assert resource["id"] == f"ad-{kind.lower()}"
    assert_valid_r4(resource)


def test_service_request_fields():
    resource, _ = _apply(_ad("ServiceRequest", doNotPerform=True))
    assert resource["occurrenceTiming"]["repeat"]["periodUnit"] == "d"
    assert resource["quantityQuantity"]["value"] == 2
    assert resource["bodySite"] == [{"text": "left arm"}]
    assert resource["doNotPerform"] is True
    assert resource["instantiatesCanonical"] == ["http://example.org/ActivityDefinition/ServiceRequest"]


def test_procedure_is_proposed_as_a_service_request():
    resource, _ = _apply(_ad("Procedure"))
    assert resource["resourceType"] == "ServiceRequest" and resource["intent"] == "proposal"


def test_unsupported_kind_is_reported():
    resource, issues = _apply(_ad("Appointment"))
    assert resource is None and issues[0].code == "not-supported"


def test_dynamic_value_paths_written_against_the_definition_are_mapped():
    assert target_path("MedicationRequest", "dosage[0].text") == "dosageInstruction[0].text"
    assert target_path("MedicationRequest", "quantity") == "dispenseRequest.quantity"
    assert target_path("ServiceRequest", "timingTiming.repeat") == "occurrenceTiming.repeat"
    assert target_path("Task", "description") == "description"


def test_failing_dynamic_value_travels_with_the_resource():
    ad = _ad("ServiceRequest", library=["http://example.org/Library/Rules"],
             dynamicValue=[{"path": "code.text", "expression": {"language": "text/cql-identifier",
                                                                "expression": "Broken"}},
                           {"path": "priority", "expression": {"language": "text/cql-expression",
                                                               "expression": "'urgent'"}}])
    kb = kb_of(library(cql('define "Broken": Error(\'no weight\')')), ad)
    resource, issues = apply_activity_definition(kb, ad["url"], ApplyRequest(subject="p1",
                                                                             data=ResourceData([PATIENT])))
    assert resource["priority"] == "urgent"
    assert len(issues) == 1 and "no weight" in issues[0].message
    [outcome] = resource["contained"]
    assert resource["extension"][-1]["valueReference"] == {"reference": f"#{outcome['id']}"}
    assert_valid_r4(resource)
