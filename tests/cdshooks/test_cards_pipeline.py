"""The card pipeline over a fake reasoner: mapping, ordering, hooks, draft orders."""
from __future__ import annotations

from fhirrules.cdshooks.cards import RULE_SYSTEM, indicator_for, map_request_group, natural_key
from fhirrules.cdshooks.pipeline import run_hook
from fhirrules.cdshooks.prune import prune

from .fakes import FakeReasoner, mmf_draft_orders, patient_resources
from .response_schema import assert_valid_response

NOW = "2025-03-10T00:00:00Z"


def _run(hook="patient-view", **kw):
    reasoner = FakeReasoner()
    record = reasoner.record_from_resources(kw.pop("resources", patient_resources()), "p1")
    return run_hook(reasoner, hook, record, now=NOW, **kw)


def test_priority_maps_to_indicator():
    assert [indicator_for(p) for p in ("routine", "urgent", "asap", "stat", None)] == \
        ["info", "warning", "critical", "critical", "info"]


def test_natural_rule_order():
    assert sorted(["A.10", "A.9", "A.2", "A.10-a"], key=natural_key) == ["A.2", "A.9", "A.10", "A.10-a"]


def test_patient_view_cards_sorted_and_valid():
    body = _run()
    assert_valid_response(body)
    assert [(c["source"]["topic"]["code"], c["indicator"]) for c in body["cards"]] == \
        [("A.5", "critical"), ("A.10", "warning"), ("A.8-c", "info")]
    assert all(c["uuid"] for c in body["cards"])
    assert len({c["uuid"] for c in body["cards"]}) == 3


def test_card_fields_follow_the_knowledge():
    a5, a10, a8c = _run()["cards"]
    assert a5["source"] == {"label": "Refractory AAV summary (001)", "url": "https://example.org/001",
                            "topic": {"system": RULE_SYSTEM, "code": "A.5",
                                      "display": "Start PJP prophylaxis (trimethoprim-sulfamethoxazole)"}}
    assert a5["links"] == [{"label": "KDIGO 2024 AAV", "url": "https://example.org/kdigo", "type": "absolute"}]
    assert a5["selectionBehavior"] == "at-most-one"
    labels = [s["label"] for s in a5["suggestions"]]
    assert labels == ["Order TMP-SMX 480 mg daily", "Order atovaquone 1500 mg daily"]
    # both marked recommended in the knowledge, but at-most-one allows one
    assert [s.get("isRecommended") for s in a5["suggestions"]] == [True, None]
    action = a5["suggestions"][0]["actions"][0]
    assert action["type"] == "create" and action["resource"]["id"] == "A.5-tmp-req"
    assert a8c["overrideReasons"] == [{"system": "http://example.org/override", "code": "already-referred",
                                       "display": "Already referred"}]
    assert "suggestions" not in a8c and "selectionBehavior" not in a8c
    assert len(a10["summary"]) < 140 and a10["summary"].endswith("…")
    assert a8c["detail"] == "Detail for A.8-c on patient p1."


def test_system_action_is_not_a_card():
    body = _run()
    assert body["systemActions"] == [{"type": "create", "description": "Record that the rules ran",
                                      "resource": {"resourceType": "Basic", "id": "ran", "code": {"text": "rules ran"}}}]
    assert "SYS.1" not in [c["source"]["topic"]["code"] for c in body["cards"]]


def test_nothing_to_say_is_an_empty_card_list():
    reasoner = FakeReasoner()
    reasoner.plans[0]["action"] = [a for a in reasoner.plans[0]["action"] if a["id"] != "SYS.1"]
    record = reasoner.record_from_resources(patient_resources(gpa=False), "p1")
    assert run_hook(reasoner, "patient-view", record, now=NOW) == {"cards": []}


def test_hook_selects_rules_and_draft_orders_are_seen():
    assert _run("order-sign") == {"cards": []}
    body = _run("order-sign", draft_orders=mmf_draft_orders())
    assert_valid_response(body)
    assert [c["source"]["topic"]["code"] for c in body["cards"]] == ["A.11-a"]
    assert _run("order-select", draft_orders=mmf_draft_orders())["cards"][0]["indicator"] == "warning"


def test_only_plans_with_the_hook_are_applied():
    reasoner = FakeReasoner()
    reasoner.plans[0]["action"] = [a for a in reasoner.plans[0]["action"] if a["id"] == "A.11-a"]
    record = reasoner.record_from_resources(patient_resources(), "p1")
    run_hook(reasoner, "patient-view", record, now=NOW)
    assert reasoner.applied == []


def test_uuids_are_stable_per_invocation_and_differ_across():
    reasoner = FakeReasoner()
    record = reasoner.record_from_resources(patient_resources(), "p1")
    one = run_hook(reasoner, "patient-view", record, now=NOW, context={"hookInstance": "a"})
    again = run_hook(reasoner, "patient-view", record, now=NOW, context={"hookInstance": "a"})
    other = run_hook(reasoner, "patient-view", record, now=NOW, context={"hookInstance": "b"})
    assert [c["uuid"] for c in one["cards"]] == [c["uuid"] for c in again["cards"]]
    assert not {c["uuid"] for c in one["cards"]} & {c["uuid"] for c in other["cards"]}


def test_mapping_falls_back_to_the_plan_for_dropped_elements():
    plan = {"id": "p", "url": "http://x/p", "title": "P", "action": [
        {"id": "R.1", "title": "Rule one", "priority": "urgent",
         "documentation": [{"type": "documentation", "display": "Src", "url": "https://s"}]}]}
    group = {"resourceType": "RequestGroup", "action": [{"id": "R.1", "title": "Rule one for 70 kg"}]}
    card = map_request_group(group, plan, seed="s").cards[0].card
    assert card["indicator"] == "warning" and card["summary"] == "Rule one for 70 kg"
    assert card["source"]["label"] == "Src" and card["source"]["topic"]["display"] == "Rule one"


def test_prune_removes_every_empty_but_keeps_false_and_zero():
    assert prune({"a": None, "b": "", "c": [], "d": {}, "e": [{"f": None}], "g": False, "h": 0,
                  "i": {"j": [None, "", {"k": []}]}}) == {"g": False, "h": 0}


def test_links_come_from_citations_with_a_web_address():
    plan = {"id": "p", "action": [{"id": "R.1", "title": "Rule", "documentation": [
        {"type": "documentation", "display": "Src", "document": {"url": "https://example.org/src.pdf"}},
        {"type": "citation", "display": "Paper", "document": {"url": "https://doi.org/10.1/x"}},
        {"type": "citation", "display": "Same paper again", "url": "https://doi.org/10.1/x"},
        {"type": "citation", "display": "A file name, not a link", "url": "001_e5a53dab9260dab6.txt"},
        {"type": "citation", "citation": "quoted sentence only"}]}]}
    card = map_request_group({"resourceType": "RequestGroup", "action": [{"id": "R.1", "title": "Rule"}]},
                             plan).cards[0].card
    assert card["source"]["url"] == "https://example.org/src.pdf"
    assert prune(card)["links"] == [{"label": "Paper", "url": "https://doi.org/10.1/x", "type": "absolute"}]


def test_ex_rules_are_off_by_default_and_selectable():
    def fired(**kw):
        return [c["source"]["topic"]["code"] for c in _run(**kw)["cards"]]
    assert not {"X.1", "X.2"} & set(fired())
    assert {"X.1", "X.2"} <= set(fired(enable_ex=True))
    reasoner = FakeReasoner()
    record = reasoner.record_from_resources(patient_resources(), "p1")
    from fhirrules.cdshooks.pipeline import run_hook_cards
    only = run_hook_cards(reasoner, "patient-view", record, now=NOW, ex_rules=["X.1"])
    assert [c.rule_id for c in only.cards if c.evidence == "EX"] == ["X.1"]
    assert only.cards[0].rule_id == "A.5"       # the verified rules are unaffected
