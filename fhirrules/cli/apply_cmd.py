"""``fhirrules apply PLANDEFINITION --data PATH``: PlanDefinition ``$apply`` for one
patient, printed as FHIR JSON (a CarePlan, or with ``--output bundle`` the R5-style
Bundle).  Unusable input: one line on stderr, exit status 2."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn, Optional

import typer

from fhirrules.cli.usage import fail, parse_params


def _fail(message: str) -> NoReturn:
    fail("apply", message)


def _params(items: list[str], enable_ex: bool) -> dict[str, str]:
    out = parse_params("apply", items)
    if enable_ex:
        out.setdefault("Enable EX Rules", "true")
    return out


def register(app: typer.Typer) -> None:
    @app.command("apply")
    def apply_command(
        plandefinition: str = typer.Argument(..., help="A PlanDefinition file, or an id or canonical url|version in the knowledge folders."),
        data: Optional[str] = typer.Option(None, "--data", help="Patient data: Bundle, NDJSON, folder or FHIR server URL."),
        subject: Optional[str] = typer.Option(None, "--subject", help="Patient/ID (default: the only Patient in the data)."),
        encounter: Optional[str] = typer.Option(None, "--encounter", help="Encounter/ID"),
        practitioner: Optional[str] = typer.Option(None, "--practitioner", help="Practitioner/ID"),
        organization: Optional[str] = typer.Option(None, "--organization", help="Organization/ID"),
        knowledge: list[Path] = typer.Option([], "--knowledge", help="Knowledge folder (repeatable; default: the project's own)."),
        now: Optional[str] = typer.Option(None, "--now", help="Fix Now() (ISO date/time)."),
        param: list[str] = typer.Option([], "--param", help="CQL parameter NAME=VALUE (repeatable)."),
        enable_ex: bool = typer.Option(False, "--enable-ex", help="Set the CQL parameter \"Enable EX Rules\" to true."),
        output: str = typer.Option("careplan", "--output", help="careplan (R4 $apply) or bundle (R5-style)."),
        token: Optional[str] = typer.Option(None, "--token", envvar="FHIRRULES_TOKEN",
                                            help="Bearer token when --data is a FHIR server URL."),
    ) -> None:
        """PlanDefinition $apply for one patient; prints FHIR JSON."""
        import orjson
        from fhirrules.reasoning.errors import ReasoningError
        from fhirrules.reasoning.runner import apply_from_paths
        params = _params(param, enable_ex)
        try:
            result = apply_from_paths(plandefinition, data, subject=subject, encounter=encounter,
                                      practitioner=practitioner, organization=organization,
                                      knowledge_dirs=knowledge or None, now=now,
                                      parameters=params, output=output, token=token)
        except ReasoningError as exc:
            _fail(str(exc))
        except Exception as exc:   # a bug, not bad input: still one line unless debugging
            if os.environ.get("FHIRRULES_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set FHIRRULES_DEBUG=1 for the traceback)")
        sys.stdout.write(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
