"""The result of ``$apply`` and its two FHIR forms.

``ApplyResult`` keeps the parts neutral (references between them as ``Type/id``):

* ``.as_careplan()`` - R4 ``$apply``: a CarePlan (id = the PlanDefinition id, ``active``,
  ``proposal``) whose ``contained`` holds the RequestGroup, the Goals, the generated
  resources and any OperationOutcomes; ``action.resource`` and ``cqf-messages`` point
  at them as ``#id``; ``CarePlan.goal`` = ``#1``...; ``activity[0]`` = the RequestGroup.
* ``.as_bundle()`` - the R5-style ``$apply``: a ``collection`` Bundle with the
  RequestGroup first, then Goals, generated resources and OperationOutcomes; the
  RequestGroup lists its Goals with ``resource-pertainsToGoal``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fhirrules.reasoning.jsoncopy import clone
from fhirrules.reasoning.outcomes import CQF_MESSAGES, Issue

PERTAINS_TO_GOAL = "http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal"


@dataclass
class ApplyResult:
    plan: dict
    request_group: dict
    resources: list[dict] = field(default_factory=list)     # generated requests and nested RequestGroups
    goals: list[dict] = field(default_factory=list)
    outcomes: list[dict] = field(default_factory=list)      # OperationOutcome resources
    issues: list[Issue] = field(default_factory=list)
    subject: str = ""
    encounter: str | None = None
    practitioner: str | None = None
    organization: str | None = None
    goals_by_group: dict[str, list[str]] = field(default_factory=dict)
    expression_seconds: float = 0.0      # of the whole apply, the part spent evaluating expressions

    @property
    def careplan(self) -> dict:
        return self.as_careplan()

    def _parts(self) -> list[dict]:
        return [self.request_group] + self.goals + self.resources + self.outcomes

    def as_careplan(self) -> dict:
        parts = clone(self._parts())
        local = {f"{p['resourceType']}/{p['id']}" for p in parts}
        for p in parts:
            _localise(p, local)
        rg = parts[0]
        careplan: dict[str, Any] = {"resourceType": "CarePlan", "id": self.plan.get("id") or rg["id"],
                                    "contained": parts}
        for key in ("language", "instantiatesCanonical", "status", "intent", "subject", "encounter"):
            if key in rg:
                careplan[key] = clone(rg[key])
        if self.practitioner or self.organization:
            careplan["author"] = {"reference": self.practitioner or self.organization}
        if self.goals:
            careplan["goal"] = [{"reference": f"#{g['id']}"} for g in self.goals]
        careplan["activity"] = [{"reference": {"reference": f"#{rg['id']}"}}]
        messages = [e for e in rg.get("extension") or () if e.get("url") == CQF_MESSAGES]
        if messages:
            careplan["extension"] = clone(messages)
        return careplan

    def as_bundle(self) -> dict:
        parts = clone(self._parts())
        for p in parts:
            goal_ids = self.goals_by_group.get(p["id"]) if p["resourceType"] == "RequestGroup" else None
            if goal_ids:
                p["extension"] = [{"url": PERTAINS_TO_GOAL, "valueReference": {"reference": f"Goal/{g}"}}
                                  for g in goal_ids] + list(p.get("extension") or ())
        return {"resourceType": "Bundle", "id": self.plan.get("id") or parts[0]["id"],
                "type": "collection", "entry": [{"resource": p} for p in parts]}


def _localise(resource: dict, local: set[str]) -> None:
    """In the contained form, point action.resource and cqf-messages at ``#id``."""
    def fix(ref_holder: dict) -> None:
        ref = ref_holder.get("reference")
        if isinstance(ref, str) and ref in local:
            ref_holder["reference"] = "#" + ref.split("/", 1)[1]

    def walk_extensions(node: Any) -> None:
        if isinstance(node, dict):
            for ext in node.get("extension") or ():
                if ext.get("url") == CQF_MESSAGES and isinstance(ext.get("valueReference"), dict):
                    fix(ext["valueReference"])
            for v in node.values():
                if isinstance(v, (dict, list)):
                    walk_extensions(v)
        elif isinstance(node, list):
            for v in node:
                walk_extensions(v)

    def walk_actions(actions: list) -> None:
        for a in actions:
            if isinstance(a.get("resource"), dict):
                fix(a["resource"])
            walk_actions(a.get("action") or [])

    if resource.get("resourceType") == "RequestGroup":
        walk_actions(resource.get("action") or [])
    walk_extensions(resource)
