"""`fhirrules explain`: for each rule, whether it fired for this patient and why."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from fhirrules.cli.help_render import flow

HELP = """Explain, for each rule, whether it fired for the patient(s) in PATH and why.

Shows the value of every applicability condition and of the CQL defines it depends on, and for a rule that did not
fire the first condition that was false or null. Exit code 0; 2 for unusable input or an
unknown --rule.

Example: fhirrules explain examples/S01-gpa-rtx-refractory-dah.json --rule A.5 --now 2025-03-10
"""


def register(app: typer.Typer) -> None:
    @app.command("explain", help=flow(HELP))
    def explain(
        path: Path = typer.Argument(..., help="A patient Bundle, NDJSON file or folder."),
        rule: Optional[str] = typer.Option(None, "--rule", help="Only this rule id (e.g. A.5)."),
        now: Optional[str] = typer.Option(None, "--now", help="Evaluation date-time (ISO 8601); default: now."),
        draft_orders: Optional[Path] = typer.Option(None, "--draft-orders", help="Draft orders Bundle for order-hook rules."),
        knowledge: Optional[List[Path]] = typer.Option(None, "--knowledge", help="Extra knowledge folder (repeatable)."),
        knowledge_only: bool = typer.Option(False, "--knowledge-only", help="Use only the --knowledge folders."),
        enable_ex: bool = typer.Option(False, "--enable-ex", help="Also run the unverified EX rules."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    ) -> None:
        raise typer.Exit(run_explain(path, rule, now, draft_orders, list(knowledge or []), knowledge_only,
                                     enable_ex, as_json))


def fail(message: str) -> int:
    typer.echo(f"fhirrules explain: {message}", err=True)
    return 2


def run_explain(path: Path, rule: Optional[str], now: Optional[str], draft_orders: Optional[Path],
                knowledge: list[Path], knowledge_only: bool, enable_ex: bool, as_json: bool) -> int:
    import json

    from rich.console import Console

    from fhirrules.cdshooks import batch
    from fhirrules.cdshooks.explain import rule_ids
    from fhirrules.cdshooks.pipeline import ENABLE_EX_PARAMETER, run_hook_cards
    from fhirrules.cdshooks.triggers import plan_hooks
    from fhirrules.cli.evaluate_cmd import _read_draft_orders

    when = None
    if now:
        try:
            when = batch.parse_now(now)
        except ValueError:
            return fail(f"--now {now!r} is not an ISO 8601 date or date-time")
    when = when or batch._now(None)
    orders = None
    if draft_orders is not None:
        try:
            orders = _read_draft_orders(draft_orders)
        except ValueError as exc:
            return fail(str(exc))
    if not path.exists():
        return fail(f"{path}: no such file or folder")
    if path.is_dir() and not any(p.suffix in batch.DATA_SUFFIXES for p in path.rglob("*")):
        return fail(f"{path}: no patient data files (.json, .ndjson) in this folder")
    for k in knowledge:
        if not k.is_dir():
            return fail(f"{k}: knowledge folder not found")
    try:
        reasoner = batch.make_reasoner(tuple(str(k) for k in knowledge), knowledge_only)
        plans = reasoner.plan_definitions()
    except Exception as exc:
        return fail(batch.one_line(exc, "knowledge"))
    known = rule_ids(plans)
    if rule is not None and rule not in known:
        return fail(f"unknown rule {rule!r} (known rules: {', '.join(known) or 'none'})")
    try:
        loader = getattr(reasoner, "load_patients", None)
        if not callable(loader):
            from fhirrules.fhir.sources.load import load_patients as loader
        records = list(loader(path))
    except Exception as exc:
        return fail(batch.one_line(exc, path))
    if not records:
        return fail(f"{path}: no patient in this input")
    params = {ENABLE_EX_PARAMETER: enable_ex}
    console = Console(highlight=False)
    report = []
    from fhirrules.cdshooks.pipeline import bundle_resources
    for record in records:
        patient = getattr(record, "patient_id", None) or str(path)
        if orders is not None:
            record = reasoner.add_resources(record, bundle_resources(orders))   # once per record
        for plan in plans:
            if rule is not None and rule not in rule_ids([plan]):
                continue
            fired: set[str] = set()
            try:
                for hook in plan_hooks(plan):
                    cards = run_hook_cards(reasoner, hook, record, now=when,
                                           enable_ex=enable_ex, plan_ids=[plan.get("id") or plan.get("url")])
                    fired |= {c.rule_id for c in cards.cards}
                explanations = reasoner.explain(plan, record, now=when, parameters=params, fired_ids=fired)
            except Exception as exc:
                return fail(batch.one_line(exc, f"{path} (patient {patient})"))
            for e in explanations:
                if rule is None or e.rule_id == rule:
                    report.append((patient, e))
    if as_json:
        from fhirrules.cdshooks.explain import describe
        typer.echo(json.dumps([{
            "patient": p, "rule": e.rule_id, "title": e.title, "fired": e.fired, "hooks": e.hooks,
            "conditions": [{"expression": c.expression, "value": describe(c.value), "error": c.error}
                           for c in e.conditions],
            "defines": {k: describe(v) for k, v in e.defines.items()},
            "firstFailing": e.first_failing.expression if (e.first_failing and not e.fired) else None,
        } for p, e in report], indent=2))
        return 0
    from fhirrules.cli.explain_render import print_explanations
    print_explanations(console, report)
    return 0
