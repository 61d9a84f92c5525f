"""`fhirrules serve`: the CDS Hooks 2.0 service on uvicorn."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

from fhirrules.cli.help_render import flow

HELP = """Serve the rules as a CDS Hooks 2.0 service (FastAPI on uvicorn).

The knowledge base is loaded and every library compiled at start-up (the time is logged).
Endpoints: GET /cds-services (discovery), POST /cds-services/{id} (hook call),
POST /cds-services/{id}/feedback. Every endpoint requires a JWT from a trusted issuer
(configure issuers in --config, see fhirrules/cdshooks/config.py for the fields and the
FHIRRULES_* environment variables); --insecure-no-auth turns that off for local work.

Example: fhirrules serve --port 8080 --config service.toml --workers 2
"""


def register(app: typer.Typer) -> None:
    @app.command("serve", help=flow(HELP))
    def serve(
        host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
        port: int = typer.Option(8080, help="TCP port."),
        knowledge: Optional[List[Path]] = typer.Option(None, "--knowledge", help="Extra knowledge folder (repeatable)."),
        knowledge_only: bool = typer.Option(False, "--knowledge-only", help="Use only the --knowledge folders, not the built-in knowledge."),
        config: Optional[Path] = typer.Option(None, "--config", help="Service configuration file (TOML or JSON)."),
        workers: int = typer.Option(1, min=1, help="Worker processes, each loading the knowledge and listening on the port itself (about one per core)."),
        enable_ex: Optional[bool] = typer.Option(None, "--enable-ex/--no-enable-ex", help="Override the config's enable_ex (unverified EX rules)."),
        insecure_no_auth: bool = typer.Option(False, "--insecure-no-auth", help="Accept requests without a JWT (local development only)."),
    ) -> None:
        from fhirrules.cdshooks.app import INSECURE_WARNING
        from fhirrules.cdshooks.config import ConfigError
        from fhirrules.cdshooks.factory import SETTINGS_VAR, config_from_settings, settings_to_env
        from fhirrules.cdshooks.workers import serve as serve_workers

        settings = settings_to_env(config, list(knowledge or []), knowledge_only, insecure_no_auth, enable_ex)
        try:
            import json
            service_config = config_from_settings(json.loads(settings))
        except ConfigError as exc:
            typer.echo(f"fhirrules serve: {exc}", err=True)
            raise typer.Exit(2)
        if not service_config.issuers and not service_config.insecure_no_auth:
            typer.echo("fhirrules serve: no trusted JWT issuers configured: add 'issuers' to --config "
                       "(or FHIRRULES_ISSUERS), or pass --insecure-no-auth for local development", err=True)
            raise typer.Exit(2)
        if service_config.insecure_no_auth:
            typer.secho(f"WARNING: {INSECURE_WARNING}", fg="yellow", err=True)
        os.environ[SETTINGS_VAR] = settings
        try:
            # each worker process builds the app from the environment (factory.py) and so
            # loads and compiles the knowledge itself; workers.py says how they share the port
            code = serve_workers(host, port, workers)
        except SystemExit:
            raise
        except Exception as exc:   # e.g. knowledge that cannot load: one line, not a traceback
            typer.echo(f"fhirrules serve: {type(exc).__name__}: {exc}", err=True)
            raise typer.Exit(2)
        if code:
            raise typer.Exit(code)
