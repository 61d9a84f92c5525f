"""The FHIR server data source over a mocked httpx transport (no network)."""
from __future__ import annotations

import httpx
import pytest

from fhirrules.cql.types.clinical import Code
from fhirrules.fhir.errors import FhirSourceError
from fhirrules.fhir.sources.load import load_patients
from fhirrules.fhir.sources.server import FhirServer, ServerRecord

BASE = "https://fhir.example.org/r4"
LOINC = "http://loinc.org"


def searchset(resources, next_url=None):
    b = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}
    if next_url:
        b["link"] = [{"relation": "next", "url": next_url}]
    return b


def obs(oid, code="2160-0"):
    return {"resourceType": "Observation", "id": oid, "subject": {"reference": "Patient/p1"},
            "code": {"coding": [{"system": LOINC, "code": code}]}}


def test_coded_retrieve_searches_with_paging_and_token(httpx_mock):
    first = httpx.URL(f"{BASE}/Observation", params={"patient": "p1", "code": f"{LOINC}|2160-0", "_count": 2})
    httpx_mock.add_response(url=first, json=searchset([obs("o1"), obs("o2")], f"{BASE}/Observation?page=2"))
    httpx_mock.add_response(url=f"{BASE}/Observation?page=2", json=searchset([obs("o3")]))
    rec = ServerRecord(FhirServer(BASE, token="secret", page_size=2), "p1")
    found = rec.retrieve("FHIR.Observation", context="Patient", codes=[Code("2160-0", LOINC)])
    assert [r["id"] for r in found] == ["o1", "o2", "o3"]
    again = rec.retrieve("FHIR.Observation", context="Patient", codes=[Code("2160-0", LOINC)])
    assert len(again) == 3                                   # cached: no new request
    requests = httpx_mock.get_requests()
    assert len(requests) == 2
    assert all(r.headers["Authorization"] == "Bearer secret" for r in requests)


def test_retries_on_429_then_succeeds(httpx_mock):
    url = httpx.URL(f"{BASE}/Condition", params={"patient": "p1", "_count": 100})
    httpx_mock.add_response(url=url, status_code=429, headers={"Retry-After": "0"})
    httpx_mock.add_response(url=url, status_code=503)
    httpx_mock.add_response(url=url, json=searchset([{"resourceType": "Condition", "id": "c"}]))
    rec = ServerRecord(FhirServer(BASE, backoff=0.001), "p1")
    assert [r["id"] for r in rec.retrieve("Condition")] == ["c"]


def test_gives_up_after_retries(httpx_mock):
    url = httpx.URL(f"{BASE}/Condition", params={"patient": "p1", "_count": 100})
    for _ in range(3):
        httpx_mock.add_response(url=url, status_code=503)
    rec = ServerRecord(FhirServer(BASE, backoff=0.001, retries=2), "p1")
    with pytest.raises(FhirSourceError, match="HTTP 503"):
        rec.retrieve("Condition")


@pytest.mark.parametrize("status,message", [(401, "401 Unauthorized"), (404, "404 Not Found")])
def test_clear_errors(httpx_mock, status, message):
    httpx_mock.add_response(url=f"{BASE}/Patient/p1", status_code=status)
    rec = ServerRecord(FhirServer(BASE), "p1")
    with pytest.raises(FhirSourceError, match=message):
        rec.patient


def test_timeout_is_reported(httpx_mock):
    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    server = FhirServer(BASE, retries=1, backoff=0.001)
    with pytest.raises(FhirSourceError, match="timed out after 2 tries"):
        server.read("Patient", "p1")


def test_load_patients_from_server(httpx_mock):
    httpx_mock.add_response(url=httpx.URL(f"{BASE}/Patient", params={"_elements": "id", "_count": 100}),
                            json=searchset([{"resourceType": "Patient", "id": "a"},
                                            {"resourceType": "Patient", "id": "b"}]))
    records = list(load_patients(BASE))
    assert [r.patient_id for r in records] == ["a", "b"]
    assert all(isinstance(r, ServerRecord) for r in records)


def test_types_without_patient_link_are_searched_whole(httpx_mock):
    httpx_mock.add_response(url=httpx.URL(f"{BASE}/Medication", params={"code": "rx|3002", "_count": 100}),
                            json=searchset([{"resourceType": "Medication", "id": "m",
                                             "code": {"coding": [{"system": "rx", "code": "3002"}]}}]))
    rec = ServerRecord(FhirServer(BASE), "p1")
    assert [r["id"] for r in rec.retrieve("Medication", context="Patient", codes=[Code("3002", "rx")])] == ["m"]


def test_token_is_not_sent_to_a_next_link_on_another_host(httpx_mock):
    first = httpx.URL(f"{BASE}/Condition", params={"patient": "p1", "_count": 100})
    elsewhere = "https://evil.example.com/r4/Condition?page=2"
    httpx_mock.add_response(url=first, json=searchset([{"resourceType": "Condition", "id": "c1"}], elsewhere))
    httpx_mock.add_response(url=elsewhere, json=searchset([{"resourceType": "Condition", "id": "c2"}]))
    rec = ServerRecord(FhirServer(BASE, token="secret"), "p1")
    assert [r["id"] for r in rec.retrieve("Condition")] == ["c1", "c2"]
    own, other = httpx_mock.get_requests()
    assert own.headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in other.headers


def test_malformed_links_end_the_paging_instead_of_crashing(httpx_mock):
    first = httpx.URL(f"{BASE}/Condition", params={"patient": "p1", "_count": 100})
    page = searchset([{"resourceType": "Condition", "id": "c1"}])
    page["link"] = ["next", {"relation": "next", "url": 5}]
    httpx_mock.add_response(url=first, json=page)
    rec = ServerRecord(FhirServer(BASE), "p1")
    assert [r["id"] for r in rec.retrieve("Condition")] == ["c1"]
