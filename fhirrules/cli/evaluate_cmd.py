"""`fhirrules evaluate`: the cards the CDS Hooks service would return, per patient."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import typer

from fhirrules.cli.help_render import flow

HELP = """Show the CDS Hooks cards for each patient in the given Bundles, folders or NDJSON.

Formats: text (a coloured panel per card: critical red, warning amber, info blue),
json (exactly the CDS Hooks response body {"cards": [...]}, one body per line and one line
per patient, in input order) and markdown (a report for clinicians).
--out FILE streams one JSON line per patient: {"source", "patientId", "response"} or
{"source", "error"}. With several inputs a progress bar (stderr) and a summary table
(patients, cards per rule and indicator, errors) are shown; a broken file is reported
and counted while the rest go on. Exit code 0 (with or without cards); 2 when no input
is usable (one line naming the file and the problem).

--knowledge DIR (repeatable) adds knowledge folders to the built-in knowledge;
--knowledge-only uses only those folders.

Example: fhirrules evaluate examples/S01-gpa-rtx-refractory-dah.json --now 2025-03-10T00:00:00Z
"""


def register(app: typer.Typer) -> None:
    @app.command("evaluate", help=flow(HELP))
    def evaluate(
        paths: List[Path] = typer.Argument(..., help="Bundle/resource JSON files, NDJSON files or folders."),
        hook: str = typer.Option("patient-view", "--hook", help="patient-view | order-select | order-sign"),
        draft_orders: Optional[Path] = typer.Option(None, "--draft-orders", help="Bundle of draft orders (order-select/order-sign)."),
        now: Optional[str] = typer.Option(None, "--now", help="Evaluation date-time (ISO 8601); default: now."),
        knowledge: Optional[List[Path]] = typer.Option(None, "--knowledge", help="Extra knowledge folder (repeatable)."),
        knowledge_only: bool = typer.Option(False, "--knowledge-only", help="Use only the --knowledge folders."),
        enable_ex: bool = typer.Option(False, "--enable-ex", help="Also run the unverified EX rules."),
        fmt: str = typer.Option("text", "--format", help="text | json | markdown"),
        jobs: int = typer.Option(0, "--jobs", min=0, help="Worker processes for several inputs (default 0: one per core)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Also stream NDJSON results to this file."),
    ) -> None:
        code = run_evaluate(EvaluateArgs(paths=list(paths), hook=hook, draft_orders=draft_orders, now=now,
                                         knowledge=list(knowledge or []), knowledge_only=knowledge_only,
                                         enable_ex=enable_ex, fmt=fmt, jobs=jobs, out=out))
        raise typer.Exit(code)


HOOKS = ("patient-view", "order-select", "order-sign")
FORMATS = ("text", "json", "markdown")


@dataclass
class EvaluateArgs:
    paths: list[Path]
    hook: str = "patient-view"
    draft_orders: Optional[Path] = None
    now: Optional[str] = None
    knowledge: list[Path] = field(default_factory=list)
    knowledge_only: bool = False
    enable_ex: bool = False
    fmt: str = "text"
    jobs: int = 0
    out: Optional[Path] = None


def fail(message: str) -> int:
    """One readable line on stderr; exit code 2 (unusable input)."""
    typer.echo(f"fhirrules evaluate: {message}", err=True)
    return 2


def _read_draft_orders(path: Path) -> dict:
    import orjson
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc.strerror})") from None
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ValueError(f"{path}: --draft-orders must be a FHIR Bundle")
    for i, entry in enumerate(data.get("entry") or []):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict) or not isinstance(res.get("resourceType"), str):
            raise ValueError(f"{path}: entry {i}: resource has no resourceType")
    return data


def run_evaluate(args: EvaluateArgs) -> int:
    import orjson
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from fhirrules.cdshooks import batch
    from fhirrules.cli.cards_render import markdown_report, print_summary, print_text

    if args.hook not in HOOKS:
        return fail(f"--hook must be one of {', '.join(HOOKS)}, not {args.hook!r}")
    if args.fmt not in FORMATS:
        return fail(f"--format must be one of {', '.join(FORMATS)}, not {args.fmt!r}")
    if args.now:
        try:
            batch.parse_now(args.now)
        except ValueError:
            return fail(f"--now {args.now!r} is not an ISO 8601 date or date-time")
    for k in args.knowledge:
        if not k.is_dir():
            return fail(f"{k}: knowledge folder not found")
    draft = None
    if args.draft_orders is not None:
        try:
            draft = _read_draft_orders(args.draft_orders)
        except ValueError as exc:
            return fail(str(exc))
    try:
        units = batch.find_units(args.paths)
    except batch.InputError as exc:
        return fail(str(exc))
    options = batch.EvalOptions(hook=args.hook, now=args.now, draft_orders=draft, enable_ex=args.enable_ex,
                                knowledge=tuple(str(k.resolve()) for k in args.knowledge),
                                knowledge_only=args.knowledge_only)
    jobs = args.jobs or batch.default_jobs()
    stdout = Console(highlight=False)
    stderr = Console(stderr=True, highlight=False)
    out_file = open(args.out, "wb") if args.out else None
    results: list = []
    show_progress = len(units) > 1 and stderr.is_terminal
    started = time.perf_counter()
    try:
        with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]:.1f} patients/s"), TimeElapsedColumn(),
                      console=stderr, disable=not show_progress, transient=True) as progress:
            task = progress.add_task("evaluating", total=len(units), rate=0.0)
            seen_units: set[str] = set()
            done = 0   # patients evaluated so far (counted as they come: no rescan per result)
            for result in batch.run_batch(units, options, jobs=jobs):
                results.append(result)
                done += not result.error
                _emit(result, args.fmt, stdout, out_file, orjson, print_text, markdown_report)
                if result.source not in seen_units:
                    seen_units.add(result.source)
                    elapsed = time.perf_counter() - started
                    progress.update(task, advance=1, rate=done / elapsed if elapsed else 0.0)
    except Exception as exc:   # e.g. knowledge that cannot load in a worker
        return fail(batch.one_line(exc, "knowledge"))
    finally:
        if out_file:
            out_file.close()
    elapsed = time.perf_counter() - started
    errors = [r for r in results if r.error]
    if len(results) > 1 or (errors and len(results) > 1):
        print_summary(stderr, results, elapsed)
    if results and len(errors) == len(results):
        if len(errors) == 1:
            return fail(errors[0].error)
        return fail(f"none of the {len(errors)} inputs could be evaluated (first: {errors[0].error})")
    if len(results) <= 1:
        for r in errors:
            typer.echo(f"fhirrules evaluate: {r.error}", err=True)
    return 0


def _emit(result, fmt, console, out_file, orjson, print_text, markdown_report) -> None:
    if out_file is not None:
        record = {"source": result.source, "error": result.error} if result.error else \
            {"source": result.source, "patientId": result.patient_id, "response": result.body}
        out_file.write(orjson.dumps(record) + b"\n")
        out_file.flush()
    if result.error:
        return
    label = result.patient_id or result.source
    if fmt == "json":
        sys.stdout.write(orjson.dumps(result.body).decode() + "\n")
        sys.stdout.flush()
    elif fmt == "markdown":
        sys.stdout.write(markdown_report(label, result.body, result.meta) + "\n")
        sys.stdout.flush()
    else:
        print_text(console, label, result.body, result.meta)
