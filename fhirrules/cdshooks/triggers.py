"""Which PlanDefinition actions a CDS hook triggers (``trigger`` of type named-event)."""
from __future__ import annotations

import copy

HOOKS = ("patient-view", "order-select", "order-sign")


def action_hooks(action: dict) -> set[str]:
    """The hooks named by the action's named-event triggers.

    An action without any trigger belongs to ``patient-view``: the chart opening is the
    one moment every rule can speak, and it keeps an untriggered rule from being repeated
    on every order hook."""
    triggers = action.get("trigger") or []
    names = {t.get("name") for t in triggers if t.get("type") == "named-event" and t.get("name")}
    return names if triggers else {"patient-view"}


def plan_hooks(plan: dict) -> list[str]:
    """Hooks with at least one top-level action of this plan, in HOOKS order."""
    found: set[str] = set()
    for action in plan.get("action") or []:
        found |= action_hooks(action)
    return [h for h in HOOKS if h in found] + sorted(found - set(HOOKS))


def plan_for_hook(plan: dict, hook: str) -> dict | None:
    """A copy of ``plan`` holding only the top-level actions ``hook`` triggers (None if none).

    ``$apply`` itself ignores triggers, so we hand it only the relevant rules: less to
    evaluate, and no order-sign card leaking into patient-view."""
    actions = [a for a in plan.get("action") or [] if hook in action_hooks(a)]
    if not actions:
        return None
    if len(actions) == len(plan.get("action") or []):
        return plan
    trimmed = copy.copy(plan)
    trimmed["action"] = actions
    return trimmed
