"""PlanDefinition.goal -> Goal resources (numbered "1", "2", ... within one apply)."""
from __future__ import annotations

import copy

from fhirrules.reasoning.session import ApplySession


def build_goal(session: ApplySession, plan: dict, goal: dict, goal_id: str) -> dict:
    out: dict = {"resourceType": "Goal", "id": goal_id, "lifecycleStatus": "proposed"}
    if goal.get("category"):
        out["category"] = [copy.deepcopy(goal["category"])]
    if goal.get("priority"):
        out["priority"] = copy.deepcopy(goal["priority"])
    # R4 requires Goal.description; the reference engine leaves it out when the
    # definition has none, which makes its output invalid.  Name the goal instead.
    out["description"] = copy.deepcopy(goal.get("description")) or {
        "text": f"Goal {goal_id} of {plan.get('title') or plan.get('name') or plan.get('id')}"}
    out["subject"] = {"reference": session.subject_ref}
    if goal.get("start"):
        out["startCodeableConcept"] = copy.deepcopy(goal["start"])
    if goal.get("addresses"):
        # PlanDefinition.goal.addresses are concepts; Goal.addresses are references
        out.setdefault("extension", []).extend(
            {"url": "http://fhirrules.org/fhir/StructureDefinition/goal-addresses-concept",
             "valueCodeableConcept": copy.deepcopy(a)} for a in goal["addresses"])
    if goal.get("documentation"):
        out["note"] = [{"text": d.get("display") or d.get("citation") or d.get("url", "")}
                       for d in goal["documentation"] if d.get("display") or d.get("citation") or d.get("url")]
        if not out["note"]:
            del out["note"]
    targets = []
    for t in goal.get("target") or ():
        target: dict = {}
        if t.get("measure"):
            target["measure"] = copy.deepcopy(t["measure"])
        for key in ("detailQuantity", "detailRange", "detailCodeableConcept"):
            if key in t:
                target[key] = copy.deepcopy(t[key])
        if t.get("due"):
            target["dueDuration"] = copy.deepcopy(t["due"])
        if target:
            targets.append(target)
    if targets:
        out["target"] = targets
    return out
