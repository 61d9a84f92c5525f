"""Generate the PlanDefinitions and ActivityDefinitions of the salvage-therapy knowledge
base from the rule tables in `plandefinitions/tooling/`:

    python plandefinitions/build_plandefinitions.py            # write the JSON
    python plandefinitions/build_plandefinitions.py --check    # exit 1 if any JSON is stale

One PlanDefinition per strategy (A, B, C, D) plus one for the cyclophosphamide-safety and
plasma-exchange rules that strategies A and B share (A.5-A.7, A.9, A.10), following the
conventions of docs/internals.md section 4 and the HL7 CPG recommendation pattern.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "tools"))

from generated_json import render_json, write_or_check  # noqa: E402

from tooling.activities import activity_definitions  # noqa: E402
from tooling.model import Rule  # noqa: E402
from tooling.rules_aav import CYC_SAFETY, STRATEGY_A, STRATEGY_B  # noqa: E402
from tooling.rules_ln_igg4 import STRATEGY_C, STRATEGY_D  # noqa: E402
from tooling.sources import SOURCES  # noqa: E402

BASE = "http://fhirrules.org/fhir"
EVIDENCE_EXT = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
EVIDENCE_SYSTEM = f"{BASE}/CodeSystem/evidence-level"
CPG_STRATEGY = "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-common-process"
# Card extensions read by fhirrules/cdshooks/cards.py (the same urls as there).
OVERRIDE_REASON_EXT = f"{BASE}/StructureDefinition/override-reason"
RECOMMENDED_EXT = f"{BASE}/StructureDefinition/is-recommended"
OVERRIDE_CODES = HERE.parent / "libraries" / "terminology" / "CodeSystem-override-reason.json"


def _override_codings() -> dict[str, dict]:
    """code -> Coding, from the shipped CodeSystem (the single source of the displays)."""
    cs = json.loads(OVERRIDE_CODES.read_text(encoding="utf-8"))
    return {c["code"]: {"system": cs["url"], "code": c["code"], "display": c["display"]} for c in cs["concept"]}

PLANS = [
    ("aav-rituximab-refractory", "AAVRituximabRefractory",
     "Salvage therapy for ANCA-associated vasculitis refractory to rituximab (strategy A)", STRATEGY_A),
    ("aav-cyclophosphamide-safety", "AAVCyclophosphamideSafety",
     "Cyclophosphamide co-interventions, cumulative dose, plasma exchange and monitoring in AAV (A.5-A.7, A.9, A.10; used by strategies A and B)",
     CYC_SAFETY),
    ("aav-iv-cyclophosphamide-refractory", "AAVCyclophosphamideRefractory",
     "GPA/MPA refractory to first-line IV cyclophosphamide induction (strategy B, WEGENT)", STRATEGY_B),
    ("lupus-nephritis-refractory", "LupusNephritisRefractory", "Refractory lupus nephritis (strategy C)", STRATEGY_C),
    ("igg4-related-disease", "IgG4RelatedDisease",
     "IgG4-related disease with internal organ involvement (strategy D, trial protocol)", STRATEGY_D),
]


def _expr(define: str) -> dict:
    return {"language": "text/cql-identifier", "expression": define}


def _description(rule: Rule) -> str:
    quotes = "".join(f'\n\n> "{q}" ({_short(src)})' for src, q in rule.quotes)
    return f"{rule.body}{quotes}\n\nEvidence: {rule.evidence}, {rule.evidence_note}."


def _short(source: str) -> str:
    return SOURCES[source].split(":")[0].split(",")[0]


def _documentation(rule: Rule) -> list[dict]:
    keys = list(dict.fromkeys([src for src, _ in rule.quotes] + rule.docs)) or ["SPEC"]
    docs = [{"type": "documentation", "display": SOURCES[keys[0]]}]
    docs += [{"type": "citation", "display": SOURCES[src], "citation": quote} for src, quote in rule.quotes]
    docs += [{"type": "documentation", "display": SOURCES[k]} for k in keys[1:] if k not in {s for s, _ in rule.quotes}]
    return docs


def _action(rule: Rule, ads: dict[str, dict]) -> dict:
    action: dict = {
        "id": rule.id,
        "extension": [{"url": EVIDENCE_EXT, "valueCodeableConcept": {
            "coding": [{"system": EVIDENCE_SYSTEM, "code": rule.evidence}]}}],
        "title": rule.title,
        "description": _description(rule),
        "priority": rule.priority,
        "documentation": _documentation(rule),
        "trigger": [{"type": "named-event", "name": hook} for hook in rule.hooks],
        "condition": [{"kind": "applicability", "expression": _expr(rule.applies)}],
    }
    if rule.overrides:
        codings = _override_codings()
        unknown = [c for c in rule.overrides if c not in codings]
        if unknown:
            raise SystemExit(f"{rule.id}: override reasons not in CodeSystem override-reason: {unknown}")
        action["extension"] += [{"url": OVERRIDE_REASON_EXT, "valueCoding": codings[c]} for c in rule.overrides]
    dynamic = [{"path": f"action.{element}", "expression": _expr(define)} for element, define in rule.dyn.items()]
    if dynamic:
        action["dynamicValue"] = dynamic
    if rule.children:
        action["selectionBehavior"] = rule.selection or "any"
        action["action"] = []
        repeated = {ad_id for ad_id, *_ in rule.children if [c[0] for c in rule.children].count(ad_id) > 1}
        for ad_id, condition, *extra in rule.children:
            recommended = bool(extra and extra[0])
            title_define = extra[1] if len(extra) > 1 else None
            ad = ads[ad_id]
            # a repeated activity needs distinct child ids (the card mapper matches children by id)
            suffix = "-recommended" if recommended and ad_id in repeated else ""
            child: dict = {"id": f"{rule.id}-{ad_id}{suffix}", "title": ad["title"], "description": ad["description"],
                           "definitionCanonical": ad["url"]}
            if recommended:
                child["extension"] = [{"url": RECOMMENDED_EXT, "valueBoolean": True}]
            if condition:
                child["condition"] = [{"kind": "applicability", "expression": _expr(condition)}]
            if title_define:
                child["dynamicValue"] = [{"path": "action.title", "expression": _expr(title_define)}]
            action["action"].append(child)
    return action


def plan_definition(plan_id: str, library: str, title: str, rules: list[Rule], ads: dict[str, dict]) -> dict:
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise SystemExit(f"{plan_id}: duplicate rule ids")
    return {
        "resourceType": "PlanDefinition", "id": plan_id, "url": f"{BASE}/PlanDefinition/{plan_id}",
        "version": "0.1.0", "name": "".join(p.capitalize() for p in plan_id.split("-")), "title": title,
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                             "code": "eca-rule", "display": "ECA Rule"}]},
        "status": "draft", "experimental": True, "date": "2025-01-01", "publisher": "fhirrules",
        "description": f"{title}. Draft, not clinically validated: every rule, threshold and dose must be signed off "
                       f"by a clinician before use. Rules graded EX are off unless the CQL parameter \"Enable EX Rules\" is true.",
        "useContext": [{"code": {"system": "http://terminology.hl7.org/CodeSystem/usage-context-type", "code": "task"},
                        "valueCodeableConcept": {"coding": [{"system": CPG_STRATEGY, "code": "treatment"}]}}],
        "relatedArtifact": [{"type": "documentation", "display": SOURCES["SPEC"]}],
        "library": [f"{BASE}/Library/{library}"],
        "action": [_action(r, ads) for r in rules],
    }


def artifacts() -> list[dict]:
    ads = activity_definitions()
    by_id = {ad["id"]: ad for ad in ads}
    plans = [plan_definition(pid, lib, title, rules, by_id) for pid, lib, title, rules in PLANS]
    return plans + ads


def main(argv: list[str]) -> int:
    files = {HERE / f"{r['resourceType']}-{r['id']}.json": render_json(r) for r in artifacts()}
    return write_or_check(files, "--check" in argv, "artifacts", "plandefinitions/build_plandefinitions.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
