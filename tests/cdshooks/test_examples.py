"""The real knowledge base through the card pipeline and the service, on the example
scenarios (examples/ and examples/expected/, written by the knowledge authors)."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.batch import parse_now
from fhirrules.cdshooks.cards import card_sort_key
from fhirrules.cdshooks.config import ServiceConfig
from fhirrules.cdshooks.discovery import MAX_URL_CHARS
from fhirrules.cdshooks.pipeline import run_hook_cards
from fhirrules.cdshooks.reasoner import load_reasoner

from .response_schema import assert_valid_response
from .server import running

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = sorted((ROOT / "examples" / "expected").glob("*.json"))
pytestmark = pytest.mark.skipif(not EXPECTED, reason="no example scenarios in examples/expected")


@pytest.fixture(scope="module")
def reasoner():
    return load_reasoner()


def _scenario(path: Path) -> dict:
    return json.loads(path.read_text())


def _run(reasoner, exp):
    [record] = list(reasoner.load_patients(ROOT / "examples" / exp["bundle"]))
    return run_hook_cards(reasoner, exp["hook"], record, now=parse_now(exp["now"]),
                          draft_orders=exp.get("draftOrders"), enable_ex=exp.get("enable_ex", False),
                          seed=exp["scenario"])


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_pipeline_output_is_valid_and_safe(reasoner, path):
    """Whatever fires is a valid CDS Hooks body, sorted, and never a rule the scenario
    says must not fire."""
    exp = _scenario(path)
    cards = _run(reasoner, exp)
    body = cards.body()
    assert_valid_response(body)
    assert [card_sort_key(c) for c in cards.cards] == sorted(card_sort_key(c) for c in cards.cards)
    fired = {c.rule_id: c.indicator for c in cards.cards}
    assert not set(exp.get("not_fire") or []) & set(fired), fired
    for card in body["cards"]:
        assert card["source"]["topic"]["system"] == "http://fhirrules.org/fhir/CodeSystem/rule"
        if card.get("suggestions"):
            for s in card["suggestions"]:
                for action in s.get("actions") or []:
                    assert action["type"] == "create" and action["resource"]["resourceType"]


def _doses(card: dict) -> list:
    """The dose of each suggested resource, in suggestion order."""
    out = []
    for suggestion in card.get("suggestions") or []:
        for action in suggestion.get("actions") or []:
            for dosage in (action.get("resource") or {}).get("dosageInstruction") or []:
                for dose in dosage.get("doseAndRate") or []:
                    if "doseQuantity" in dose:
                        out.append(dose["doseQuantity"].get("value"))
    return out


@pytest.mark.parametrize("path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_cards_match_the_scenario(reasoner, path):
    """The scenario's expectations, read from the cards a client receives: which rules fire
    with which indicator, the summaries, the patient's figures in the text, and the
    suggested doses."""
    exp = _scenario(path)
    cards = {c.rule_id: c for c in _run(reasoner, exp).cards}
    fired = {rule: c.indicator for rule, c in cards.items()}
    assert {r: fired.get(r) for r in exp.get("fire") or {}} == dict(exp.get("fire") or {})
    body = {rule: c.card for rule, c in cards.items()}
    for rule, summary in (exp.get("summaries") or {}).items():
        assert body[rule]["summary"] == summary
    for rule, prefix in (exp.get("summary_prefix") or {}).items():
        assert body[rule]["summary"].startswith(prefix), (rule, body[rule]["summary"])
    for rule, figures in (exp.get("figures") or {}).items():
        text = body[rule]["summary"] + "\n" + body[rule].get("detail", "")
        assert [f for f in figures if f not in text] == [], (rule, text)
    for rule, words in (exp.get("suggestions_exclude") or {}).items():
        labels = " ".join(s["label"] for s in body[rule].get("suggestions") or []).lower()
        assert [w for w in words if w.lower() in labels] == [], (rule, labels)
    for rule, doses in (exp.get("suggestion_doses") or {}).items():
        assert _doses(body[rule]) == doses, rule


def test_service_answers_what_the_pipeline_computes(reasoner, tmp_path, local_client):
    exp = _scenario(ROOT / "examples" / "expected" / "S01.json")
    bundle = json.loads((ROOT / "examples" / exp["bundle"]).read_text())
    resources = [e["resource"] for e in bundle["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite",
                           evaluation_time=exp["now"].replace("Z", "+00:00"))
    with running(create_app(config, reasoner)) as base:
        services = {s["id"]: s for s in local_client.get(f"{base}/cds-services").json()["services"]}
        assert {s["hook"] for s in services.values()} == {"patient-view", "order-select", "order-sign"}
        for service in services.values():
            assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
            assert all(len(q) < MAX_URL_CHARS for q in service["prefetch"].values())
        [pv_id] = [i for i, s in services.items() if s["hook"] == "patient-view" and "rituximab" in i]
        templates = services[pv_id]["prefetch"]
        assert any(q.startswith("Observation?patient={{context.patientId}}") for q in templates.values())
        # Give every template the part of the bundle of its resource type.
        prefetch = {}
        for key, query in templates.items():
            rtype = query.split("?")[0].split("/")[0]
            prefetch[key] = patient if rtype == "Patient" else {
                "resourceType": "Bundle", "type": "searchset",
                "entry": [{"resource": r} for r in resources if r["resourceType"] == rtype]}
        body = {"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                "context": {"userId": "Practitioner/1", "patientId": patient["id"]}, "prefetch": prefetch}
        r = local_client.post(f"{base}/cds-services/{pv_id}", json=body)
        assert r.status_code == 200, r.text
        assert_valid_response(r.json())
        plan_id = services[pv_id]["id"].removesuffix("-patient-view")
        [record] = list(reasoner.load_patients(ROOT / "examples" / exp["bundle"]))
        direct = run_hook_cards(reasoner, "patient-view", record, now=parse_now(exp["now"]), plan_ids=[plan_id])
        served = [(c["source"]["topic"]["code"], c["indicator"], c["summary"]) for c in r.json()["cards"]]
        assert served == [(c.rule_id, c.indicator, c.card["summary"]) for c in direct.cards]
        assert served, "S01 fires rules in the rituximab-refractory plan"


def test_suggested_resources_are_valid_fhir(reasoner):
    """Every resource a card suggests creating validates as FHIR R4 (fhir.resources R4B)."""
    from fhir.resources.R4B import get_fhir_model_class
    checked, problems = 0, []
    for path in EXPECTED:
        for card in _run(reasoner, _scenario(path)).body()["cards"]:
            for suggestion in card.get("suggestions") or []:
                for action in suggestion.get("actions") or []:
                    resource = action["resource"]
                    checked += 1
                    try:
                        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                    except Exception as exc:   # pydantic's ValidationError names the element
                        problems.append(f"{path.stem} {resource['resourceType']}: {str(exc).splitlines()[:2]}")
    if not checked:
        pytest.skip("no scenario produced a suggestion yet")
    assert problems == []


def test_run_hook_takes_the_knowledge_base_itself(reasoner):
    """The documented entry point: ``run_hook(kb, hook, record, now=...)`` with the
    reasoning layer's KnowledgeBase and the FHIR binding's PatientRecord."""
    from fhirrules.cdshooks.pipeline import run_hook
    exp = _scenario(ROOT / "examples" / "expected" / "S01.json")
    [record] = list(reasoner.load_patients(ROOT / "examples" / exp["bundle"]))
    body = run_hook(reasoner.kb, "patient-view", record, now=exp["now"], context={"hookInstance": "h1"})
    assert_valid_response(body)
    assert body["cards"]
    assert [c["source"]["topic"]["code"] for c in body["cards"]] == [c.rule_id for c in _run(reasoner, exp).cards]
