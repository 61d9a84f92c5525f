"""RequestGroup (the output of ``$apply``) -> CDS Hooks 2.0 cards.

The mapping follows the HL7 cds-hooks-clinical-reasoning IG and docs/internals.md §4:

* a top-level action is a card; its ``id`` is the rule id (``A.5``);
* ``title`` -> ``summary`` (kept under 140 characters), ``description`` -> ``detail``;
* ``priority`` -> ``indicator`` (routine -> info, urgent -> warning, asap/stat -> critical);
* ``documentation`` of type ``documentation`` -> ``source`` (label, url) and ``type:
  citation`` entries with a url -> ``links`` (type ``absolute``);
* ``source.topic`` is the Coding ``{RULE_SYSTEM, <rule id>, <rule title>}``;
* child actions -> ``suggestions`` (uuid, label, ``isRecommended`` where the knowledge marks
  it, one ``create`` action carrying the full resource the child produced);
  ``selectionBehavior`` is carried over and always present when suggestions exist;
* ``overrideReasons`` from the action extension ``OVERRIDE_REASON_EXT`` (valueCoding);
* an action flagged with ``SYSTEM_ACTION_EXT`` = true is not shown: its resources become
  ``systemActions``.

``$apply`` may not copy every element of the PlanDefinition action into the RequestGroup
(extensions, documentation), so each lookup falls back to the matching PlanDefinition
action: the knowledge is the authority for static facts, the RequestGroup for the
patient-specific ones (dynamic title and description)."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from fhirrules.cdshooks.prune import prune

RULE_SYSTEM = "http://fhirrules.org/fhir/CodeSystem/rule"
EVIDENCE_EXT = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
OVERRIDE_REASON_EXT = "http://fhirrules.org/fhir/StructureDefinition/override-reason"
RECOMMENDED_EXT = "http://fhirrules.org/fhir/StructureDefinition/is-recommended"
SYSTEM_ACTION_EXT = "http://fhirrules.org/fhir/StructureDefinition/system-action"

# uuid5 namespace for card and suggestion ids: deterministic for one invocation (so a
# re-run gives the same ids and tests can rely on them) and distinct across invocations.
CARD_NAMESPACE = uuid.UUID("6f4c1c2e-3b1a-5d7e-9a57-2f0d8a1c9e11")

PRIORITY_TO_INDICATOR = {"routine": "info", "urgent": "warning", "asap": "critical",
                         "stat": "critical"}
INDICATOR_RANK = {"critical": 0, "warning": 1, "info": 2}
SUMMARY_LIMIT = 140

# FHIR selectionBehavior -> the two values CDS Hooks 2.0 knows.
SELECTION_BEHAVIOR = {"any": "any", "at-most-one": "at-most-one", "exactly-one": "at-most-one",
                      "all": "any", "all-or-none": "any", "one-or-more": "any"}


@dataclass
class MappedCard:
    """One card plus the facts the CLI and the feedback store need beside it."""
    card: dict
    rule_id: str
    evidence: str | None = None
    plan: str | None = None

    @property
    def indicator(self) -> str:
        return self.card["indicator"]


@dataclass
class CardSet:
    cards: list[MappedCard] = field(default_factory=list)
    system_actions: list[dict] = field(default_factory=list)

    def extend(self, other: "CardSet") -> None:
        self.cards.extend(other.cards)
        self.system_actions.extend(other.system_actions)

    def sort(self) -> None:
        self.cards.sort(key=card_sort_key)

    def body(self) -> dict:
        """The CDS Hooks response body: ``{"cards": [...]}`` plus ``systemActions`` if any."""
        body: dict[str, Any] = {"cards": [prune(c.card) for c in self.cards]}
        if self.system_actions:
            body["systemActions"] = prune(self.system_actions)
        return body


def natural_key(rule_id: str) -> tuple:
    """``A.9`` before ``A.10``: numbers compare as numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", rule_id) if p)


def card_sort_key(card: MappedCard) -> tuple:
    return (INDICATOR_RANK.get(card.indicator, 3), natural_key(card.rule_id), card.plan or "")


def indicator_for(priority: str | None) -> str:
    return PRIORITY_TO_INDICATOR.get(priority or "routine", "info")


def map_request_group(request_group: dict, plan: dict | None = None, *,
                      resources: dict[str, dict] | None = None, seed: str = "") -> CardSet:
    """Map one RequestGroup to cards.

    ``plan`` is the PlanDefinition it came from; ``resources`` resolves the references in
    ``action.resource`` (``"#id"`` for contained, ``"Type/id"`` otherwise) in addition to
    the RequestGroup's own ``contained``; ``seed`` makes the uuids unique per invocation
    (e.g. the hookInstance)."""
    lookup = _resource_index(request_group, resources)
    plan_actions = (plan or {}).get("action") or []
    out = CardSet()
    plan_label = (plan or {}).get("url") or (plan or {}).get("id") \
        or next(iter(request_group.get("instantiatesCanonical") or []), None)
    for index, action in enumerate(request_group.get("action") or []):
        source_action = _match_plan_action(action, plan_actions)
        merged = _Merged(action, source_action)
        rule_id = merged.get("id") or f"{plan_label or 'rule'}#{index}"
        if _flag(merged.extensions(), SYSTEM_ACTION_EXT):
            out.system_actions.extend(_system_actions(action, lookup))
            continue
        card_seed = f"{seed}|{plan_label}|{rule_id}"
        out.cards.append(MappedCard(card=_card(merged, rule_id, plan, lookup, card_seed),
                                    rule_id=rule_id, evidence=evidence_grade(merged.extensions()),
                                    plan=plan_label))
    return out


class _Merged:
    """Read an element from the RequestGroup action, else from the PlanDefinition action."""

    def __init__(self, rg_action: dict, plan_action: dict | None) -> None:
        self.rg = rg_action
        self.plan = plan_action or {}

    def get(self, name: str) -> Any:
        value = self.rg.get(name)
        return value if value not in (None, "", [], {}) else self.plan.get(name)

    def extensions(self) -> list[dict]:
        return list(self.rg.get("extension") or []) + list(self.plan.get("extension") or [])


def _match_plan_action(action: dict, plan_actions: list[dict]) -> dict | None:
    if action.get("id"):
        for candidate in plan_actions:
            if candidate.get("id") == action["id"]:
                return candidate
    if action.get("title"):
        for candidate in plan_actions:
            if candidate.get("title") == action["title"]:
                return candidate
    return None


def _card(merged: _Merged, rule_id: str, plan: dict | None, lookup: dict[str, dict],
          seed: str) -> dict:
    rule_title = merged.plan.get("title") or merged.get("title") or rule_id
    summary = _summary(merged.get("title") or merged.get("textEquivalent") or rule_title)
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid5(CARD_NAMESPACE, seed)),
        "summary": summary,
        "detail": merged.get("description"),
        "indicator": indicator_for(merged.get("priority")),
        "source": _source(merged.get("documentation") or [], plan, rule_id, rule_title),
    }
    suggestions = _suggestions(merged, lookup, seed)
    if suggestions:
        behavior = SELECTION_BEHAVIOR.get(merged.get("selectionBehavior") or "any", "any")
        if behavior == "at-most-one":
            _at_most_one_recommended(suggestions)
        card["selectionBehavior"] = behavior
        card["suggestions"] = suggestions
    card["overrideReasons"] = _override_reasons(merged.extensions())
    card["links"] = _links(merged.get("documentation") or [])
    return card


def _summary(text: str) -> str:
    text = " ".join(str(text).split())
    # The knowledge linter rejects long summaries; this only guards a dynamic title.
    return text if len(text) < SUMMARY_LIMIT else text[:SUMMARY_LIMIT - 2] + "…"


def _source(documentation: list[dict], plan: dict | None, rule_id: str, rule_title: str) -> dict:
    doc = next((d for d in documentation if d.get("type") == "documentation"), None)
    plan = plan or {}
    label = (doc or {}).get("display") or (doc or {}).get("label") or plan.get("title") \
        or plan.get("publisher") or "fhirrules"
    return {"label": label, "url": artifact_url(doc or {}),
            "topic": {"system": RULE_SYSTEM, "code": rule_id, "display": rule_title}}


def artifact_url(doc: dict) -> str | None:
    """A relatedArtifact's web address: ``url``, else its ``document.url`` (an Attachment)."""
    url = doc.get("url") or (doc.get("document") or {}).get("url")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _links(documentation: list[dict]) -> list[dict]:
    links, seen = [], set()
    for doc in documentation:
        url = artifact_url(doc)
        if doc.get("type") != "citation" or not url or url in seen:
            continue
        seen.add(url)
        label = doc.get("display") or doc.get("label") or url
        links.append({"label": label, "url": url, "type": "absolute"})
    return links


def _suggestions(merged: _Merged, lookup: dict[str, dict], seed: str) -> list[dict]:
    children = merged.rg.get("action") or []
    plan_children = merged.plan.get("action") or []
    suggestions = []
    for index, child in enumerate(children):
        child_merged = _Merged(child, _match_plan_action(child, plan_children))
        label = child_merged.get("title") or child_merged.get("textEquivalent") \
            or child_merged.get("description") or f"Option {index + 1}"
        resource = _resolve(child.get("resource"), lookup)
        suggestion: dict[str, Any] = {
            "label": label,
            "uuid": str(uuid.uuid5(CARD_NAMESPACE, f"{seed}|{child.get('id') or index}")),
        }
        if _flag(child_merged.extensions(), RECOMMENDED_EXT):
            suggestion["isRecommended"] = True
        if resource is not None:
            suggestion["actions"] = [{"type": "create",
                                      "description": child_merged.get("description") or label,
                                      "resource": resource}]
        suggestions.append(suggestion)
    return suggestions


def _at_most_one_recommended(suggestions: list[dict]) -> None:
    """CDS Hooks: with ``at-most-one`` only one suggestion may be recommended; keep the first."""
    seen = False
    for suggestion in suggestions:
        if suggestion.get("isRecommended"):
            if seen:
                del suggestion["isRecommended"]
            seen = True


def _system_actions(action: dict, lookup: dict[str, dict]) -> list[dict]:
    out = []
    for node in [action, *(action.get("action") or [])]:
        resource = _resolve(node.get("resource"), lookup)
        if resource is not None:
            out.append({"type": "create", "description": node.get("title") or node.get("description"),
                        "resource": resource})
    return out


def _override_reasons(extensions: Iterable[dict]) -> list[dict]:
    out, seen = [], set()
    for ext in extensions:
        if ext.get("url") != OVERRIDE_REASON_EXT:
            continue
        coding = ext.get("valueCoding") or ((ext.get("valueCodeableConcept") or {}).get("coding") or [None])[0]
        if not coding or not coding.get("code"):
            continue
        key = (coding.get("system"), coding["code"])
        if key in seen:
            continue
        seen.add(key)
        # CDS Hooks requires a display on every override reason.
        out.append({"system": coding.get("system"), "code": coding["code"],
                    "display": coding.get("display") or coding["code"]})
    return out


def evidence_grade(extensions: Iterable[dict]) -> str | None:
    for ext in extensions:
        if ext.get("url") == EVIDENCE_EXT:
            for coding in (ext.get("valueCodeableConcept") or {}).get("coding") or []:
                if coding.get("code"):
                    return coding["code"]
    return None


def _flag(extensions: Iterable[dict], url: str) -> bool:
    return any(e.get("url") == url and e.get("valueBoolean") is True for e in extensions)


def _resource_index(request_group: dict, extra: dict[str, dict] | None) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for res in request_group.get("contained") or []:
        if res.get("id"):
            index["#" + res["id"]] = res
            index[f"{res.get('resourceType')}/{res['id']}"] = res
    index.update(extra or {})
    return index


def _resolve(reference: dict | None, lookup: dict[str, dict]) -> dict | None:
    if not reference:
        return None
    ref = reference.get("reference") or ""
    found = lookup.get(ref)
    if found is None and "/" in ref:
        found = lookup.get("#" + ref.rsplit("/", 1)[1])
    return found
