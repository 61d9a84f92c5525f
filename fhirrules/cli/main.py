"""The ``fhirrules`` command line.  Each command lives in its own module and registers
itself here; heavy imports (the engine, FastAPI) happen inside the commands so that
``fhirrules --help`` stays fast."""
from __future__ import annotations

import typer

from fhirrules import __version__
from fhirrules.cli import (apply_cmd, check_cmd, conformance_cmd, cql_cmd, evaluate_cmd,
                           explain_cmd, feedback_cmd, serve_cmd)

app = typer.Typer(
    name="fhirrules",
    help="Clinical reasoning over FHIR R4: CQL engine, PlanDefinition $apply, CDS Hooks service.\n\n"
         "Example: fhirrules evaluate examples/S01-gpa-rtx-refractory-dah.json --now 2025-03-10T12:00:00Z",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fhirrules {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """fhirrules command line."""


for module in (evaluate_cmd, explain_cmd, check_cmd, cql_cmd, apply_cmd, serve_cmd,
               conformance_cmd, feedback_cmd):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
