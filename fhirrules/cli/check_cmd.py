"""`fhirrules check`: lint the knowledge base."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from fhirrules.cli.help_render import flow

HELP = """Lint the knowledge base (PlanDefinitions, libraries, value sets).

Checks: every artifact valid FHIR R4, every CQL library compiles,
every canonical reference and value set resolves, every rule id unique, every card
summary under 140 characters, every card with a citation and an evidence grade. Each
problem is printed as 'file (location): message'. Exit code 0 when clean, 1 when problems
exist, 2 when a --knowledge folder does not exist.

Example: fhirrules check --knowledge my-rules/ --knowledge-only
"""


def register(app: typer.Typer) -> None:
    @app.command("check", help=flow(HELP))
    def check(
        knowledge: Optional[List[Path]] = typer.Option(None, "--knowledge", help="Knowledge folder to add (repeatable)."),
        knowledge_only: bool = typer.Option(False, "--knowledge-only", help="Check only the --knowledge folders, not the built-in knowledge."),
    ) -> None:
        from fhirrules.cdshooks.lint import lint_knowledge
        from fhirrules.cdshooks.reasoner import default_knowledge_dirs

        for k in knowledge or []:
            if not k.is_dir():
                typer.echo(f"fhirrules check: {k}: knowledge folder not found", err=True)
                raise typer.Exit(2)
        dirs = ([] if knowledge_only else default_knowledge_dirs()) + list(knowledge or [])
        if not dirs:
            typer.echo("fhirrules check: no knowledge to check (no built-in knowledge and no --knowledge)", err=True)
            raise typer.Exit(2)
        try:
            problems, stats = lint_knowledge(dirs)
        except Exception as exc:   # e.g. KnowledgeError for an unreadable folder
            typer.echo(f"fhirrules check: {' '.join(str(exc).split())}", err=True)
            raise typer.Exit(2)
        for problem in problems:
            typer.echo(str(problem))
        summary = ", ".join(f"{n} {k}" for k, n in stats.items())
        if problems:
            typer.echo(f"{len(problems)} problem(s) in {summary}")
            raise typer.Exit(1)
        typer.echo(f"knowledge OK: {summary}")
