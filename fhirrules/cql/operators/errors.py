"""Errors and messaging (spec 09-b "Errors and Messaging": the Message operator)."""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError

log = logging.getLogger("fhirrules.cql.message")

_LEVELS = {"trace": logging.DEBUG, "message": logging.INFO, "warning": logging.WARNING}


def Message(source: Any, condition: Optional[bool], code: Optional[str],
            severity: Optional[str], message: Optional[str]) -> Any:
    """Returns ``source``.  When ``condition`` is true the message is logged, or, for
    severity ``Error``, raised as a CqlRuntimeError (the only severity that stops
    evaluation).  The compiler has its own version that also records the message on
    the evaluation context; this one serves callers without a context."""
    if condition is True:
        sev = (severity or "Message").strip().lower()
        text = f"{code}: {message}" if code else str(message)
        if sev == "error":
            raise CqlRuntimeError(text)
        log.log(_LEVELS.get(sev, logging.INFO), text)
    return source


OPERATORS: dict[str, Callable[..., Any]] = {"Message": Message}
FUNCTIONS: dict[str, Callable[..., Any]] = {"Message": Message}
