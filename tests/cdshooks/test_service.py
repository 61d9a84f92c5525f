"""The CDS Hooks service over real HTTP (uvicorn in a thread), with a fake reasoner."""
from __future__ import annotations

import uuid

import pytest

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.config import ServiceConfig

from .conftest import only_remote
from .fakes import FakeReasoner, mmf_draft_orders, patient_resources
from .response_schema import assert_valid_response
from .server import running

FHIR = "https://fhir.example.org/r4"
TOKEN = "secret-access-token-123"
PV = "fake-aav-patient-view"
OS = "fake-aav-order-sign"
OSEL = "fake-aav-order-select"


def bundle(resources):
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def full_prefetch(resources=None):
    resources = resources if resources is not None else patient_resources()
    return {"patient": resources[0],
            "condition": bundle([r for r in resources if r["resourceType"] == "Condition"]),
            "medicationRequest": bundle([r for r in resources if r["resourceType"] == "MedicationRequest"])}


def hook_body(hook="patient-view", **extra):
    context = {"userId": "Practitioner/1", "patientId": "p1"}
    if hook in ("order-sign", "order-select"):
        context["draftOrders"] = mmf_draft_orders()
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/draft-mmf"]
    body = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context}
    body.update(extra)
    return body


@pytest.fixture
def service(tmp_path):
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite",
                           evaluation_time="2025-03-10T00:00:00+00:00")
    with running(create_app(config, FakeReasoner())) as base:
        yield base


def test_discovery_lists_one_service_per_trigger(service, local_client):
    r = local_client.get(f"{service}/cds-services")
    assert r.status_code == 200
    services = {s["id"]: s for s in r.json()["services"]}
    assert set(services) == {PV, OSEL, OS}
    pv = services[PV]
    assert pv["hook"] == "patient-view" and pv["title"] and pv["description"]
    assert pv["prefetch"] == {
        "patient": "Patient/{{context.patientId}}",
        "condition": "Condition?patient={{context.patientId}}&code=http://snomed.info/sct%7C195353004",
        "medicationRequest": "MedicationRequest?patient={{context.patientId}}"}


def test_patient_view_with_full_prefetch(service, local_client):
    r = local_client.post(f"{service}/cds-services/{PV}", json=hook_body(prefetch=full_prefetch()))
    assert r.status_code == 200, r.text
    body = r.json()
    assert_valid_response(body)
    assert [c["source"]["topic"]["code"] for c in body["cards"]] == ["A.5", "A.10", "A.8-c"]


def test_prefetch_data_changes_the_cards(service, local_client):
    prefetch = full_prefetch(patient_resources(tmp_smx=True))
    body = local_client.post(f"{service}/cds-services/{PV}", json=hook_body(prefetch=prefetch)).json()
    assert_valid_response(body)
    assert "A.5" not in [c["source"]["topic"]["code"] for c in body["cards"]]


@pytest.mark.parametrize("hook,service_id", [("order-sign", OS), ("order-select", OSEL)])
def test_order_hooks_see_draft_orders(service, local_client, hook, service_id):
    r = local_client.post(f"{service}/cds-services/{service_id}", json=hook_body(hook, prefetch=full_prefetch()))
    assert r.status_code == 200, r.text
    body = r.json()
    assert_valid_response(body)
    assert [c["source"]["topic"]["code"] for c in body["cards"]] == ["A.11-a"]


def test_null_prefetch_key_means_no_data(service, local_client):
    prefetch = full_prefetch()
    prefetch["condition"] = None
    body = local_client.post(f"{service}/cds-services/{PV}", json=hook_body(prefetch=prefetch)).json()
    assert_valid_response(body)
    assert body["cards"] == []


@pytest.mark.httpx_mock(should_mock=only_remote)
def test_partial_prefetch_is_completed_from_the_fhir_server(service, local_client, httpx_mock):
    resources = patient_resources()
    httpx_mock.add_response(
        url=f"{FHIR}/Condition?patient=p1&code=http://snomed.info/sct%7C195353004",
        match_headers={"Authorization": f"Bearer {TOKEN}"},
        json={**bundle(resources[1:2]), "link": [{"relation": "next", "url": f"{FHIR}/Condition?page=2"}]})
    httpx_mock.add_response(url=f"{FHIR}/Condition?page=2", match_headers={"Authorization": f"Bearer {TOKEN}"},
                            json=bundle([]))
    prefetch = full_prefetch()
    del prefetch["condition"]
    body = hook_body(prefetch=prefetch, fhirServer=FHIR,
                     fhirAuthorization={"access_token": TOKEN, "token_type": "Bearer", "expires_in": 300,
                                        "scope": "user/*.read", "subject": "fhirrules"})
    r = local_client.post(f"{service}/cds-services/{PV}", json=body)
    assert r.status_code == 200, r.text
    assert_valid_response(r.json())
    assert "A.5" in [c["source"]["topic"]["code"] for c in r.json()["cards"]]


@pytest.mark.httpx_mock(should_mock=only_remote)
def test_failed_prefetch_is_refetched_and_token_stays_home(service, local_client, httpx_mock):
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1&code=http://snomed.info/sct%7C195353004",
                            json=bundle(patient_resources()[1:2]))
    prefetch = full_prefetch()
    prefetch["condition"] = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}
    body = hook_body(prefetch=prefetch, fhirServer=FHIR, fhirAuthorization={"access_token": TOKEN, "token_type": "Bearer"})
    r = local_client.post(f"{service}/cds-services/{PV}", json=body)
    assert r.status_code == 200, r.text
    requests = httpx_mock.get_requests()
    assert requests and all(req.url.host == "fhir.example.org" for req in requests)
    assert all(req.headers["Authorization"] == f"Bearer {TOKEN}" for req in requests)


@pytest.mark.httpx_mock(should_mock=only_remote)
def test_paging_link_outside_fhir_server_is_412_and_not_followed(service, local_client, httpx_mock):
    """A next link to another host is never followed (the token stays home), and the
    pages read so far are not treated as the whole record."""
    httpx_mock.add_response(url=f"{FHIR}/Condition?patient=p1&code=http://snomed.info/sct%7C195353004",
                            json={**bundle(patient_resources()[1:2]),
                                  "link": [{"relation": "next", "url": "https://elsewhere.example.com/steal"}]})
    prefetch = full_prefetch()
    prefetch["condition"] = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}
    body = hook_body(prefetch=prefetch, fhirServer=FHIR, fhirAuthorization={"access_token": TOKEN, "token_type": "Bearer"})
    r = local_client.post(f"{service}/cds-services/{PV}", json=body)
    assert r.status_code == 412, r.text
    assert all(req.url.host == "fhir.example.org" for req in httpx_mock.get_requests())


def test_no_way_to_get_data_is_412(service, local_client):
    prefetch = full_prefetch()
    del prefetch["condition"]
    r = local_client.post(f"{service}/cds-services/{PV}", json=hook_body(prefetch=prefetch))
    assert r.status_code == 412
    assert r.json()["resourceType"] == "OperationOutcome"
    assert "condition" in r.json()["issue"][0]["diagnostics"]


def test_operation_outcome_without_server_is_412(service, local_client):
    prefetch = full_prefetch()
    prefetch["patient"] = {"resourceType": "OperationOutcome", "issue": []}
    r = local_client.post(f"{service}/cds-services/{PV}", json=hook_body(prefetch=prefetch))
    assert r.status_code == 412


@pytest.mark.httpx_mock(should_mock=only_remote)
def test_fhir_server_error_is_412(service, local_client, httpx_mock):
    httpx_mock.add_response(status_code=500)
    body = hook_body(fhirServer=FHIR, fhirAuthorization={"access_token": TOKEN, "token_type": "Bearer"})
    r = local_client.post(f"{service}/cds-services/{PV}", json=body)
    assert r.status_code == 412


def _bad(**changes):
    body = hook_body(prefetch=full_prefetch())
    for key, value in changes.items():
        if value is _DROP:
            body.pop(key)
        else:
            body[key] = value
    return body


_DROP = object()


@pytest.mark.parametrize("body,fragment", [
    (_bad(hook="order-sign"), "'hook' must be 'patient-view'"),
    (_bad(hookInstance="not-a-uuid"), "not a UUID"),
    (_bad(hookInstance=_DROP), "hookInstance"),
    (_bad(context=_DROP), "'context' is required"),
    (_bad(context={"userId": "Practitioner/1"}), "context.patientId is required"),
    (_bad(context={"patientId": "p1"}), "context.userId is required"),
    (_bad(prefetch=[1, 2]), "'prefetch' must be an object"),
    (_bad(fhirServer="ftp://x"), "fhirServer"),
    (_bad(fhirAuthorization={"access_token": "t"}), "without 'fhirServer'"),
    ([1, 2, 3], "JSON object"),
])
def test_malformed_requests_are_400(service, local_client, body, fragment):
    r = local_client.post(f"{service}/cds-services/{PV}", json=body)
    assert r.status_code == 400
    assert fragment in r.json()["issue"][0]["diagnostics"]


def test_order_sign_requires_draft_orders(service, local_client):
    body = hook_body("order-sign", prefetch=full_prefetch())
    del body["context"]["draftOrders"]
    r = local_client.post(f"{service}/cds-services/{OS}", json=body)
    assert r.status_code == 400 and "draftOrders" in r.text
    body = hook_body("order-select", prefetch=full_prefetch())
    del body["context"]["selections"]
    assert local_client.post(f"{service}/cds-services/{OSEL}", json=body).status_code == 400


def test_not_json_is_400_and_unknown_service_404(service, local_client):
    r = local_client.post(f"{service}/cds-services/{PV}", content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.text
    r = local_client.post(f"{service}/cds-services/nope", json=hook_body())
    assert r.status_code == 404 and r.json()["resourceType"] == "OperationOutcome"
    assert local_client.get(f"{service}/nothing-here").status_code == 404


def test_evaluation_failure_is_500_without_traceback(tmp_path, local_client):
    class Broken(FakeReasoner):
        def apply(self, *a, **kw):
            raise RuntimeError("boom in the engine")
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite")
    with running(create_app(config, Broken())) as base:
        r = local_client.post(f"{base}/cds-services/{PV}", json=hook_body(prefetch=full_prefetch()))
        assert r.status_code == 500
        assert "Traceback" not in r.text and "boom" not in r.text
        # and the process is still up
        assert local_client.get(f"{base}/cds-services").status_code == 200
