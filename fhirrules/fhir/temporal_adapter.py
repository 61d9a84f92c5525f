"""Build the engine's System Date/DateTime/Time values from FHIR's ISO 8601 text.

FHIR writes ``2019-03``, ``2019-03-04``, ``2019-03-04T10:20:00+01:00``; CQL literal text
(what ``fhirrules.cql.types.temporal.parse_temporal_literal`` reads) is the same after
``@`` except that a DateTime at date precision needs a trailing ``T``.  FHIR text is
matched here first so that a bad value is reported as bad FHIR data, naming the text.
Parsed values are cached by text: the temporal values are immutable, and the same
timestamps recur across a record's resources and across evaluations."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from fhirrules.cql.errors import CqlError, CqlRuntimeError
from fhirrules.cql.types.temporal import parse_temporal_literal

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?$")
_TIME = re.compile(r"^T?(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$")


def _text(kind: str, parts: tuple, tz: Optional[str]) -> str:
    """CQL literal text (without '@') for components (year, month, ..., ms)."""
    if kind == "Time":
        h = parts
        text = "T" + ":".join(f"{p:02d}" for p in h[:3])
        if len(h) > 3:
            text += f".{h[3]:03d}"
        return text
    text = f"{parts[0]:04d}" + "".join(f"-{p:02d}" for p in parts[1:3])
    if kind == "DateTime":
        text += "T"
        if len(parts) > 3:
            text += ":".join(f"{p:02d}" for p in parts[3:6])
            if len(parts) > 6:
                text += f".{parts[6]:03d}"
            if tz:
                text += tz
    return text


def _ms(frac: Optional[str]) -> Optional[int]:
    return None if frac is None else int((frac + "00")[:3])


def _build(kind: str, parts: tuple, tz: Optional[str]) -> Any:
    text = _text(kind, parts, tz)
    try:
        return parse_temporal_literal(text)
    except CqlError as e:
        raise CqlRuntimeError(f"invalid FHIR {kind.lower()} value {text!r}: {e.message}") from None


def parse_date(text: Any) -> Any:
    if not isinstance(text, str):
        raise CqlRuntimeError(f"invalid FHIR date {text!r}: expected a string")
    return _parse_date(text)


@lru_cache(maxsize=65536)
def _parse_date(text: str) -> Any:
    """FHIR ``date`` text -> System.Date."""
    m = _DATE.match(text.strip())
    if not m:
        # a dateTime where a date was expected: keep the date part (lenient)
        m2 = _DATETIME.match(text.strip())
        if not m2:
            raise CqlRuntimeError(f"invalid FHIR date {text!r}")
        m = m2
    parts = tuple(int(p) for p in m.groups()[:3] if p is not None)
    return _build("Date", parts, None)


def parse_datetime(text: Any) -> Any:
    if not isinstance(text, str):
        raise CqlRuntimeError(f"invalid FHIR dateTime {text!r}: expected a string")
    return _parse_datetime(text)


@lru_cache(maxsize=65536)
def _parse_datetime(text: str) -> Any:
    """FHIR ``dateTime``/``instant`` text -> System.DateTime (date-only text gives a
    DateTime at day, month or year precision, as FHIRHelpers.ToDateTime does)."""
    m = _DATETIME.match(text.strip())
    if not m:
        raise CqlRuntimeError(f"invalid FHIR dateTime {text!r}")
    y, mo, d, h, mi, s, frac, tz = m.groups()
    parts = [int(p) for p in (y, mo, d, h, mi, s) if p is not None]
    if s is not None and frac is not None:
        parts.append(_ms(frac))
    return _build("DateTime", tuple(parts), tz)


def parse_time(text: Any) -> Any:
    if not isinstance(text, str):
        raise CqlRuntimeError(f"invalid FHIR time {text!r}: expected a string")
    return _parse_time(text)


@lru_cache(maxsize=65536)
def _parse_time(text: str) -> Any:
    """FHIR ``time`` text (``10:20:00``) -> System.Time."""
    m = _TIME.match(text.strip())
    if not m:
        raise CqlRuntimeError(f"invalid FHIR time {text!r}")
    h, mi, s, frac = m.groups()
    parts = [int(p) for p in (h, mi, s) if p is not None]
    if s is not None and frac is not None:
        parts.append(_ms(frac))
    return _build("Time", tuple(parts), None)


def to_iso(value: Any) -> str:
    """System temporal -> FHIR text (no '@', no trailing 'T')."""
    text = value.cql_str() if hasattr(value, "cql_str") else str(value)
    text = text.lstrip("@")
    if text.endswith("T"):
        text = text[:-1]
    if text.startswith("T"):
        text = text[1:]
    return text
