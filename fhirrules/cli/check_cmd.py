"""`fhirrules check` (not built yet: the owner of this command replaces this module)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
