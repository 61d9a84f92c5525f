"""Errors raised by the CQL engine.  Every error the engine raises on bad input is one of
these; anything else escaping the engine is a bug."""
from __future__ import annotations

from typing import Optional


class CqlError(Exception):
    """Base class.  ``line``/``col`` are 1-based positions in ``source_name``."""

    kind = "error"

    def __init__(self, message: str, line: Optional[int] = None, col: Optional[int] = None,
                 source_name: Optional[str] = None, source_line: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.source_name = source_name
        self.source_line = source_line

    def location(self) -> str:
        parts = [self.source_name or "<cql>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.kind} error: {self.message}"
        if self.source_line is not None and self.col is not None:
            text += "\n  " + self.source_line.rstrip("\n") + "\n  " + " " * (self.col - 1) + "^"
        return text


class CqlSyntaxError(CqlError):
    """The text is not CQL."""
    kind = "syntax"


class CqlSemanticError(CqlError):
    """The text parses but means nothing: unknown identifier, no matching overload,
    bad type, missing library."""
    kind = "semantic"


class CqlRuntimeError(CqlError):
    """Evaluation failed: overflow, invalid value, Message with severity Error, cast
    failure, singleton from a list with several elements."""
    kind = "runtime"
