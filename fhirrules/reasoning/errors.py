"""Errors of the clinical reasoning layer.

``KnowledgeError`` is bad knowledge content (a broken artifact, an unknown reference);
``ApplyInputError`` is a bad request (no such subject, an unparsable parameter).  Both
carry one readable line; the CLI prints it and exits 2, the CDS Hooks service turns it
into a 400/412.  Problems *inside* an apply (a failing dynamicValue, a null condition)
are never raised: they become OperationOutcome issues on the result."""
from __future__ import annotations


class ReasoningError(Exception):
    """Base class; ``str(err)`` is one line meant for a person."""


class KnowledgeError(ReasoningError):
    """An artifact cannot be found, read or compiled."""


class ApplyInputError(ReasoningError):
    """The request to ``$apply`` is unusable (subject, parameters, data)."""


class ExpressionError(ReasoningError):
    """An expression could not be evaluated; recorded as an OperationOutcome issue."""

    def __init__(self, message: str, expression: str | None = None, language: str | None = None) -> None:
        super().__init__(message)
        self.expression = expression
        self.language = language
