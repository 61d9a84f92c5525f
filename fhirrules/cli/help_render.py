"""Help text layout: typer's rich help keeps single newlines, so paragraphs written across
several source lines are re-flowed here (blank lines still separate paragraphs)."""
from __future__ import annotations


def flow(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
