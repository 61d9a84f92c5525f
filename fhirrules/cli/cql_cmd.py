"""``fhirrules cql LIBRARY --data PATH|URL``: evaluate every public define of a CQL
library for each patient in the data and print the results (a table, or one JSON object
per line and patient).  Unusable input: one line on stderr, exit status 2."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer

from fhirrules.cli.usage import fail, parse_params


def _fail(message: str) -> NoReturn:
    fail("cql", message)


def _params(items: list[str]) -> dict[str, str]:
    return parse_params("cql", items)


def _patient_label(record: Any, index: int) -> str:
    pid = getattr(record, "patient_id", None)
    return f"Patient/{pid}" if pid else f"record {index + 1}"


def _render_table(console: Any, label: str, results: dict, error: Optional[str]) -> None:
    import orjson
    from rich.table import Table
    from fhirrules.fhir.json_values import to_json_value
    table = Table(title=label, show_lines=False)
    table.add_column("define", style="bold")
    table.add_column("value", overflow="fold")
    if error is not None:
        table.add_row("[red]error[/red]", error)
    for name, value in results.items():
        text = orjson.dumps(to_json_value(value)).decode() if not isinstance(value, str) else repr(value)
        table.add_row(name, text if len(text) < 2000 else text[:2000] + " ...")
    console.print(table)


def run(library: Path, data: str, library_path: list[Path], valuesets: list[Path],
        param: list[str], now: Optional[str], fmt: str, expression: Optional[str],
        token: Optional[str], terminology_url: Optional[str], patients: list[str] = ()) -> int:
    import orjson
    from fhirrules.cql.errors import CqlError
    from fhirrules.fhir.json_values import to_json_value
    from fhirrules.fhir.runner import CqlRunner
    from fhirrules.fhir.sources.load import load_patients
    from fhirrules.fhir.terminology import RemoteTerminology, Terminology

    if fmt not in ("table", "json"):
        _fail(f"--format must be table or json, not {fmt!r}")
    if not library.is_file():
        _fail(f"library not found: {library}")
    for p in library_path:
        if not p.is_dir():
            _fail(f"--library-path is not a folder: {p}")
    params = _params(param)
    try:
        remote = RemoteTerminology(terminology_url, token=token) if terminology_url else None
        terminology = Terminology.load(*valuesets, remote=remote)
        runner = CqlRunner(library, library_paths=[library.parent, *library_path],
                           terminology=terminology, params=params, now=now)
        if expression is not None:
            runner.compile_expression(expression)      # bad CQL is bad input: exit 2 now
        records = load_patients(data, terminology=terminology, token=token, patient_ids=list(patients))
        first = next(records, None)
    except (CqlError, FileNotFoundError, OSError, ValueError) as e:
        _fail(str(e))
    except ImportError as e:
        _fail(f"the CQL engine is not available ({e})")
    except typer.Exit:
        raise
    except Exception as e:          # a bug, not bad input: still one line unless debugging
        if os.environ.get("FHIRRULES_DEBUG"):
            raise
        _fail(f"internal error: {type(e).__name__}: {e} (set FHIRRULES_DEBUG=1 for the traceback)")
    if first is None:
        _fail(f"no patient data found in {data}")

    console = None
    if fmt == "table":
        from rich.console import Console
        console = Console()

    def emit(index: int, record: Any) -> None:
        label = _patient_label(record, index)
        results: dict = {}
        error = None
        try:
            results = runner.evaluate(record, expression)
        except CqlError as e:
            error = str(e).splitlines()[0]
        except RecursionError:
            error = "evaluation too deeply nested"
        except Exception as e:      # one patient's failure must not stop the others
            if os.environ.get("FHIRRULES_DEBUG"):
                raise
            error = f"internal error: {type(e).__name__}: {e}"
        if fmt == "json":
            obj: dict = {"patient": label}
            if error is not None:
                obj["error"] = error
            else:
                obj["results"] = {k: to_json_value(v) for k, v in results.items()}
            sys.stdout.write(orjson.dumps(obj, default=str).decode() + "\n")
        else:
            _render_table(console, label, results, error)

    shown: set[str] = set()
    limit = 20

    def warn(record: Any) -> None:
        # data problems the reader tolerated (unknown elements, numeric codes): on stderr
        # so that stdout stays machine-readable
        for w in getattr(record, "warnings", ()):
            if w in shown:
                continue
            shown.add(w)
            if len(shown) <= limit:
                typer.echo(f"warning: {w}", err=True)

    emit(0, first)
    warn(first)
    try:
        for i, record in enumerate(records, start=1):
            emit(i, record)
            warn(record)
    except CqlError as e:
        _fail(str(e))
    if len(shown) > limit:
        typer.echo(f"warning: ... and {len(shown) - limit} more", err=True)
    return 0


def register(app: typer.Typer) -> None:
    @app.command("cql")
    def cql(
        library: Path = typer.Argument(..., help="CQL library (.cql, or FHIR Library JSON)."),
        data: str = typer.Option(..., "--data", help="Bundle, folder, NDJSON folder, or FHIR server URL."),
        library_path: list[Path] = typer.Option([], "--library-path", help="Folder of included libraries (repeatable)."),
        valuesets: list[Path] = typer.Option([], "--valuesets", help="Folder or Bundle of ValueSets/CodeSystems (repeatable)."),
        param: list[str] = typer.Option([], "--param", help="NAME=VALUE, VALUE a CQL literal or JSON (repeatable)."),
        now: Optional[str] = typer.Option(None, "--now", help="Fix Now()/Today(), e.g. 2025-06-01T00:00:00Z."),
        fmt: str = typer.Option("table", "--format", help="table or json (one object per line and patient)."),
        expression: Optional[str] = typer.Option(None, "--expression", help="Evaluate this CQL expression instead."),
        token: Optional[str] = typer.Option(None, "--token", envvar="FHIRRULES_TOKEN", help="Bearer token for a FHIR server."),
        terminology_url: Optional[str] = typer.Option(None, "--terminology", help="FHIR terminology server for value sets not found locally."),
        patients: list[str] = typer.Option([], "--patient", help="Only this patient id (repeatable; with a server URL: the patients to read)."),
    ) -> None:
        """Evaluate a CQL library's public defines for each patient in the data.

        Example: fhirrules cql libraries/LabResults.cql --data examples/S01.json --format json
        """
        raise typer.Exit(run(library, data, library_path, valuesets, param, now, fmt,
                             expression, token, terminology_url, patients))
