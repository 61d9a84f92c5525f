"""The card pipeline: one hook, one patient -> the CDS Hooks response body."""
from __future__ import annotations

from typing import Any, Iterable

from fhirrules.cdshooks.cards import CardSet, map_request_group
from fhirrules.cdshooks.reasoner import as_reasoner
from fhirrules.cdshooks.triggers import plan_for_hook

ENABLE_EX_PARAMETER = "Enable EX Rules"


def bundle_resources(bundle: Any) -> list[dict]:
    """The resources of a Bundle (or a lone resource / list of resources)."""
    if not bundle:
        return []
    if isinstance(bundle, list):
        return [r for r in bundle if isinstance(r, dict)]
    if bundle.get("resourceType") == "Bundle":
        return [e["resource"] for e in bundle.get("entry") or []
                if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    return [bundle]


def run_hook_cards(kb: Any, hook: str, record: Any, *, now: Any, draft_orders: Any = None,
                   enable_ex: bool = False, parameters: dict | None = None,
                   context: dict | None = None, plan_ids: Iterable[str] | None = None,
                   seed: str = "", ex_rules: Iterable[str] | None = None) -> CardSet:
    """Like ``run_hook`` but returns the ``CardSet`` (cards with their rule ids and
    evidence grades), for the CLI and the feedback registry.

    ``ex_rules`` enables only these EX rules: the CQL parameter is switched on and cards
    graded ``EX`` of other rules are dropped (the knowledge gates every EX rule behind
    the one parameter, docs/internals.md section 4)."""
    reasoner = as_reasoner(kb)
    allowed_ex = set(ex_rules) if ex_rules else None
    params = dict(parameters or {})
    params.setdefault(ENABLE_EX_PARAMETER, bool(enable_ex) or allowed_ex is not None)
    orders = bundle_resources(draft_orders)
    if orders:
        record = reasoner.add_resources(record, orders)
    wanted = set(plan_ids) if plan_ids is not None else None
    out = CardSet()
    for plan in reasoner.plan_definitions():
        if wanted is not None and plan.get("id") not in wanted and plan.get("url") not in wanted:
            continue
        trimmed = plan_for_hook(plan, hook)
        if trimmed is None:
            continue
        applied = reasoner.apply(trimmed, record, now=now, parameters=params)
        group = _only_hook_actions(applied.request_group, trimmed)
        mapped = map_request_group(group, trimmed, resources=applied.resources,
                                   seed=seed or _default_seed(context, record, now))
        if allowed_ex is not None and not enable_ex:
            mapped.cards = [c for c in mapped.cards if c.evidence != "EX" or c.rule_id in allowed_ex]
        out.extend(mapped)
    out.sort()
    return out


def run_hook(kb: Any, hook: str, record: Any, *, now: Any, draft_orders: Any = None,
             enable_ex: bool = False, parameters: dict | None = None,
             context: dict | None = None) -> dict:
    """The exact CDS Hooks response body for ``hook`` on ``record``.

    Every PlanDefinition with actions triggered by ``hook`` is applied; each top-level
    action of the RequestGroup becomes a card (see ``cards.py``). ``draft_orders`` (a
    Bundle, for order-select/order-sign) is added to the data the rules see. Cards come
    sorted critical, warning, info, then by rule id; ``{"cards": []}`` when nothing fires."""
    return run_hook_cards(kb, hook, record, now=now, draft_orders=draft_orders,
                          enable_ex=enable_ex, parameters=parameters, context=context).body()


def _only_hook_actions(group: dict, plan: dict) -> dict:
    """Drop RequestGroup actions whose rule this hook does not trigger, in case ``$apply``
    worked from its own copy of the full PlanDefinition."""
    ids = {a.get("id") for a in plan.get("action") or [] if a.get("id")}
    actions = group.get("action") or []
    if not ids or not any(a.get("id") for a in actions):
        return group
    kept = [a for a in actions if not a.get("id") or a.get("id") in ids]
    if len(kept) == len(actions):
        return group
    return {**group, "action": kept}


def _default_seed(context: dict | None, record: Any, now: Any) -> str:
    context = context or {}
    patient = context.get("patientId") or getattr(record, "patient_id", None) or ""
    return f"{context.get('hookInstance', '')}|{patient}|{now}"
