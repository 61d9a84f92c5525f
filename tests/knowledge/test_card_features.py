"""The CDS Hooks card features the PlanDefinitions carry for fhirrules/cdshooks/cards.py:
suggestions the spec ranks first (`is-recommended`), card override reasons
(`override-reason`, codes of the shipped CodeSystem). The scenario-level checks (which card
recommends what for a patient) are in test_scenarios.py."""
from __future__ import annotations

import pytest

from kb_paths import LIBRARIES, TERMINOLOGY, define_bodies, library_name, load, plan_definitions

OVERRIDE_EXT = "http://fhirrules.org/fhir/StructureDefinition/override-reason"
RECOMMENDED_EXT = "http://fhirrules.org/fhir/StructureDefinition/is-recommended"


def _actions() -> dict[str, dict]:
    return {a["id"]: a for p in plan_definitions() for a in p["action"]}


def _recommended(action: dict) -> list[str]:
    return [c["id"] for c in action.get("action", [])
            if any(e["url"] == RECOMMENDED_EXT and e.get("valueBoolean") is True for e in c.get("extension", []))]


def _reasons(action: dict) -> list[dict]:
    return [e["valueCoding"] for e in action.get("extension", []) if e["url"] == OVERRIDE_EXT]


def test_override_reasons_come_from_the_shipped_code_system():
    cs = load(TERMINOLOGY / "CodeSystem-override-reason.json")
    displays = {c["code"]: c["display"] for c in cs["concept"]}
    used = set()
    for action in _actions().values():
        for coding in _reasons(action):
            assert coding["system"] == cs["url"]
            assert coding["display"] == displays[coding["code"]], action["id"]
            used.add(coding["code"])
    assert used == set(displays), f"codes never offered: {set(displays) - used}"


def test_warning_and_critical_rules_offer_override_reasons():
    # a card that can be warning or critical (static priority, or a dynamic one) can be dismissed with a reason
    for action in _actions().values():
        dynamic_priority = any(dv["path"] == "action.priority" for dv in action.get("dynamicValue", []))
        if action["priority"] in ("urgent", "stat") or dynamic_priority:
            assert _reasons(action), action["id"]
        else:
            assert not _reasons(action), action["id"]


@pytest.mark.parametrize("rule, reason", [("A.5", "pjp-prophylaxis-in-place"), ("A.5", "sulfonamide-allergy"),
                                          ("A.6", "mesna-ordered"), ("A.11-a", "mmf-maintenance"),
                                          ("A.11-b", "rtx-cyc-combination"), ("C.7-a", "hcq-contraindicated")])
def test_spec_named_exceptions_are_override_reasons(rule, reason):
    assert reason in {c["code"] for c in _reasons(_actions()[rule])}


def test_only_ranked_options_are_recommended():
    actions = _actions()
    recommended = {rule: _recommended(a) for rule, a in actions.items() if _recommended(a)}
    assert recommended == {
        "A.3": ["A.3-cyclophosphamide-iv-pulse-recommended"],
        "A.5": ["A.5-tmp-smx-pjp-prophylaxis"],
        "A.12": ["A.12-rituximab-maintenance"],
        "B.5": ["B.5-rituximab-maintenance"],
        "C.7-b": ["C.7-b-mmf-maintenance"],
    }
    # D.3: "Present both arms as equal options"
    assert not _recommended(actions["D.3"])


def test_a3_recommends_iv_only_when_ranked_first():
    a3 = _actions()["A.3"]
    children = {c["id"]: c for c in a3["action"]}
    assert a3["selectionBehavior"] == "at-most-one"
    recommended = children["A.3-cyclophosphamide-iv-pulse-recommended"]
    plain = children["A.3-cyclophosphamide-iv-pulse"]
    assert recommended["definitionCanonical"] == plain["definitionCanonical"]
    # the recommended IV child comes first (the spec: "the card ranks IV first")
    assert list(children).index(recommended["id"]) == 0
    plan = next(p for p in plan_definitions() if any(a["id"] == "A.3" for a in p["action"]))
    defines = define_bodies((LIBRARIES / f"{library_name(plan['library'][0])}.cql").read_text(encoding="utf-8"))
    when = defines[recommended["condition"][0]["expression"]["expression"]]
    otherwise = defines[plain["condition"][0]["expression"]["expression"]]
    # exclusive and exhaustive even when the ranking is unknown (null): both go through Is True
    assert 'Common."Is True"("IV Ranked First")' in when and 'not Common."Is True"("IV Ranked First")' in otherwise
    assert "not" not in when
