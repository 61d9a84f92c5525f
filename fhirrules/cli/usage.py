"""Shared handling of unusable command-line input: every command reports it as one
line on stderr prefixed with its own name and exits with status 2, and ``--param
NAME=VALUE`` options are split the same way everywhere."""
from __future__ import annotations

from typing import NoReturn

import typer


def fail(command: str, message: str) -> NoReturn:
    """Print ``fhirrules COMMAND: MESSAGE`` (first line only) on stderr and exit 2."""
    typer.echo(f"fhirrules {command}: {message}".splitlines()[0], err=True)
    raise typer.Exit(2)


def parse_params(command: str, items: list[str]) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` -> ``{NAME: VALUE}`` (both stripped); a malformed item
    fails the command with status 2.  Values stay text: each command decides how to
    read them."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(command, f"--param {item!r}: expected NAME=VALUE")
        out[name.strip()] = value.strip()
    return out
