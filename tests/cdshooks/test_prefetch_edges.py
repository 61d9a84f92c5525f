"""Prefetch from the FHIR server: answers that are not FHIR, and URLs that would carry the
access token out from under ``fhirServer`` (``..`` segments that httpx removes)."""
from __future__ import annotations

import httpx
import pytest

from fhirrules.cdshooks.prefetch import PrefetchUnavailable, gather

FHIR = "https://fhir.example.org/r4"
TOKEN = "secret-access-token-456"
TEMPLATES = {"condition": "Condition?patient={{context.patientId}}"}


def _request(patient_id: str = "p1") -> dict:
    return {"context": {"patientId": patient_id}, "fhirServer": FHIR,
            "fhirAuthorization": {"access_token": TOKEN, "token_type": "Bearer"}}


@pytest.mark.parametrize("answer", [[{"resourceType": "Condition", "id": "c1"}], "a string", 42])
def test_non_object_json_from_the_server_is_unavailable(httpx_mock, answer):
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1", json=answer)
    with pytest.raises(PrefetchUnavailable, match="not a FHIR resource"):
        gather(TEMPLATES, _request())


def test_a_next_link_that_is_not_a_string_ends_paging(httpx_mock):
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1", json={
        "resourceType": "Bundle", "type": "searchset",
        "entry": [{"resource": {"resourceType": "Condition", "id": "c1"}}],
        "link": [{"relation": "next", "url": 7}]})
    data = gather(TEMPLATES, _request())
    assert [r["id"] for r in data.resources] == ["c1"]
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
def test_dot_segments_in_a_next_link_do_not_take_the_token_outside(httpx_mock):
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1", json={
        "resourceType": "Bundle", "type": "searchset",
        "entry": [{"resource": {"resourceType": "Condition", "id": "c1"}}],
        "link": [{"relation": "next", "url": f"{FHIR}/../admin/steal"}]})
    with pytest.raises(PrefetchUnavailable, match="outside fhirServer"):
        gather(TEMPLATES, _request())
    assert [str(r.url) for r in httpx_mock.get_requests()] == [f"{FHIR}/Condition?patient=p1"]


def test_a_patient_id_leading_outside_fhir_server_is_refused(httpx_mock):
    templates = {"patient": "Patient/{{context.patientId}}"}
    with pytest.raises(PrefetchUnavailable, match="outside fhirServer"):
        gather(templates, _request(patient_id="../../admin/x"))
    assert httpx_mock.get_requests() == []


def test_the_token_goes_to_fhir_server(httpx_mock):
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1",
                            match_headers={"Authorization": f"Bearer {TOKEN}"},
                            json={"resourceType": "Bundle", "type": "searchset"})
    with httpx.Client() as client:
        assert gather(TEMPLATES, _request(), client=client).resources == []
