"""PlanDefinition.goal -> Goal resources (numbered "1", "2", ... within one apply).

The mapping is the reference engine's (category, description, priority, start, target
with measure/detail/due) so goldens compare equal; the one addition is a description
when the definition has none, because R4 requires it."""
from __future__ import annotations

from fhirrules.reasoning.jsoncopy import clone
from fhirrules.reasoning.session import ApplySession


def build_goal(session: ApplySession, plan: dict, goal: dict, goal_id: str) -> dict:
    out: dict = {"resourceType": "Goal", "id": goal_id, "lifecycleStatus": "proposed"}
    if goal.get("category"):
        out["category"] = [clone(goal["category"])]
    if goal.get("priority"):
        out["priority"] = clone(goal["priority"])
    # R4 requires Goal.description; the reference engine leaves it out when the
    # definition has none, which makes its output invalid.  Name the goal instead.
    out["description"] = clone(goal.get("description")) or {
        "text": f"Goal {goal_id} of {plan.get('title') or plan.get('name') or plan.get('id')}"}
    out["subject"] = {"reference": session.subject_ref}
    if goal.get("start"):
        out["startCodeableConcept"] = clone(goal["start"])
    targets = []
    for t in goal.get("target") or ():
        target: dict = {}
        if t.get("extension"):
            target["extension"] = clone(t["extension"])
        if t.get("measure"):
            target["measure"] = clone(t["measure"])
        for key in ("detailQuantity", "detailRange", "detailCodeableConcept"):
            if key in t:
                target[key] = clone(t[key])
        if t.get("due"):
            target["dueDuration"] = clone(t["due"])
        if target:
            targets.append(target)
    if targets:
        out["target"] = targets
    return out
