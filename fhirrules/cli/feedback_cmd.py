"""`fhirrules feedback`: counts of CDS Hooks card feedback per rule and outcome."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from fhirrules.cli.help_render import flow

HELP = """Print how often each rule's cards were accepted or overridden.

Reads the SQLite store the service writes (default: the service's feedback_db,
~/.local/share/fhirrules/feedback.sqlite or $FHIRRULES_FEEDBACK_DB).

Example: fhirrules feedback --db /var/lib/fhirrules/feedback.sqlite
"""


def register(app: typer.Typer) -> None:
    @app.command("feedback", help=flow(HELP))
    def feedback(
        db: Optional[Path] = typer.Option(None, "--db", help="The feedback SQLite file."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    ) -> None:
        import json

        from rich.console import Console
        from rich.table import Table

        from fhirrules.cdshooks.cards import natural_key
        from fhirrules.cdshooks.config import ConfigError, load_config
        from fhirrules.cdshooks.feedback import FeedbackStore

        if db is None:
            try:
                db = load_config().feedback_db
            except ConfigError as exc:
                typer.echo(f"fhirrules feedback: {exc}", err=True)
                raise typer.Exit(2)
        if not db.is_file():
            typer.echo(f"fhirrules feedback: {db}: no feedback store there", err=True)
            raise typer.Exit(2)
        try:
            rows = FeedbackStore(db).counts()
        except Exception as exc:   # sqlite3.DatabaseError on a file that is not a store
            typer.echo(f"fhirrules feedback: {db}: not a feedback store ({exc})", err=True)
            raise typer.Exit(2)
        rows.sort(key=lambda r: (natural_key(r[0]), r[1]))
        if as_json:
            typer.echo(json.dumps([{"rule": r, "outcome": o, "count": n} for r, o, n in rows]))
            return
        table = Table(title=f"Card feedback ({db})")
        for column in ("rule", "accepted", "overridden", "total"):
            table.add_column(column, justify="left" if column == "rule" else "right")
        per_rule: dict[str, dict[str, int]] = {}
        for rule, outcome, count in rows:
            per_rule.setdefault(rule, {})[outcome] = count
        for rule, counts in per_rule.items():
            accepted, overridden = counts.get("accepted", 0), counts.get("overridden", 0)
            table.add_row(rule, str(accepted), str(overridden), str(accepted + overridden))
        Console().print(table)
        if not rows:
            typer.echo("no feedback yet")
