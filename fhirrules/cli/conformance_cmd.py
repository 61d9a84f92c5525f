"""``fhirrules conformance cql [DIR]`` and ``fhirrules conformance fhirpath [FILE]``: run
a conformance suite, print a table per file and end with exactly one line
``N passed, M failed, K skipped``.  Failures are reported, not an exit error: the exit
status is 0 whenever the suite ran, 2 when it could not run."""
from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn, Optional

import typer

from fhirrules.cli.usage import fail

conformance_app = typer.Typer(help="Run the CQL or FHIRPath conformance suites.", no_args_is_help=True)


def _write_xfail(path: Path, report: Any, suite: str, command: str) -> None:
    """The strict-xfail list of tests/conformance/: ``test id<TAB>reason`` per failure
    (reasons already written by hand in ``path`` are kept)."""
    from fhirrules.conformance.cql_suite import xfail_lines
    lines = xfail_lines(report, keep_reasons=_reasons(path))
    path.write_text(f"# {suite} conformance tests that do not pass yet: test id<TAB>reason\n"
                    f"# Regenerate: fhirrules conformance {command} --write-xfail {path}\n"
                    + "".join(line + "\n" for line in lines), encoding="utf-8")


def _fail(message: str) -> NoReturn:
    fail("conformance", message)


@conformance_app.command("cql")
def cql(
    suite: Optional[Path] = typer.Argument(None, help="Folder of cql-tests XML files (or one file). "
                                           "Default: ../shared/conformance/cql-tests/cql, else under $FHIRRULES_SHARED."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write every result to this JSON file."),
    write_xfail: Optional[Path] = typer.Option(None, "--write-xfail",
                                               help="Write the ids of the tests that did not pass, with reasons "
                                                    "(the format of tests/conformance/cql_xfail.txt)."),
    show_failures: bool = typer.Option(False, "--failures", help="List each failing test."),
) -> None:
    """Run the CQL conformance tests (cqframework/cql-tests)."""
    from rich.console import Console

    from fhirrules.conformance.cql_suite import default_suite_dir, run_suite
    path = suite or default_suite_dir()
    if path is None or not path.exists():
        _fail(f"suite not found: {path or '../shared/conformance/cql-tests/cql (set FHIRRULES_SHARED)'}")
    report = run_suite(path)
    console = Console()
    report.print_table(console, title="CQL conformance")
    if show_failures:
        for r in report.results:
            if r.status == "failed":
                console.print(f"[red]FAIL[/red] {r.file}::{r.group}::{r.name}: {r.expression!r} -> "
                              f"{r.actual} ({r.error})".replace("\n", " "), markup=True, highlight=False,
                              soft_wrap=True)
    if json_out is not None:
        report.write_json(json_out)
    if write_xfail is not None:
        _write_xfail(write_xfail, report, "CQL", "cql")
    typer.echo(report.summary_line())


def _reasons(path: Path) -> dict[str, str]:
    """Reasons already written in an xfail list (kept for tests that still fail)."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            test_id, _, reason = line.partition("\t")
            out[test_id] = reason
    return out


@conformance_app.command("fhirpath")
def fhirpath(
    suite: Optional[Path] = typer.Argument(None, help="FHIRPath test XML (default: "
                                           "../shared/conformance/fhirpath/r4/tests-fhir-r4.xml)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write every result to this JSON file."),
    write_xfail: Optional[Path] = typer.Option(None, "--write-xfail",
                                               help="Write the ids of the tests that did not pass, with reasons "
                                                    "(the format of tests/conformance/fhirpath_xfail.txt)."),
) -> None:
    """Run the FHIRPath conformance tests (HL7 FHIRPath R4 suite)."""
    try:
        from fhirrules.conformance.fhirpath_suite import run_suite  # type: ignore[import-not-found]
    except ImportError as e:
        _fail(f"the FHIRPath suite runner is not available ({e})")
    from rich.console import Console
    from fhirrules.conformance.shared import FHIRPATH_R4_SUITE, shared_path
    path = suite or shared_path(*FHIRPATH_R4_SUITE)
    if path is None or not path.exists():
        _fail(f"suite not found: {path or '../shared/' + '/'.join(FHIRPATH_R4_SUITE) + ' (set FHIRRULES_SHARED)'}")
    report = run_suite(path)
    report.print_table(Console(), title="FHIRPath conformance")
    if json_out is not None:
        report.write_json(json_out)
    if write_xfail is not None:
        _write_xfail(write_xfail, report, "FHIRPath R4", "fhirpath")
    typer.echo(report.summary_line())


def register(app: typer.Typer) -> None:
    app.add_typer(conformance_app, name="conformance")
