"""Recognise the text of Date, DateTime and Time values.

Two dialects: CQL literals (the text after '@': ``2014-01-01``, ``2014-01-01T``,
``2014-01-01T10:30:00.000+01:00``, ``T10:30``) and the ISO 8601 strings that
``ToDate``/``ToDateTime``/``ToTime`` accept (the same forms without the '@', a Time with
or without its leading ``T`` and with an ignored offset).  These functions only split
the text into integer components; range checks and object construction are done by
``temporal.py``.  A result is ``(kind, fields, offset_hours_or_None, written_as_Z)``."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

_DATE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
_TIME = r"(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
_OFFSET = r"(Z|[+-]\d{2}:\d{2})"

_LIT_TIME = re.compile(rf"T{_TIME}")
_LIT_DATE = re.compile(_DATE)
_LIT_DATETIME = re.compile(rf"{_DATE}T(?:{_TIME})?{_OFFSET}?")
_ISO_TIME = re.compile(rf"T?{_TIME}{_OFFSET}?")

Parsed = tuple[str, list[int], Optional[Decimal], bool]


def _ints(groups: tuple) -> list[int]:
    """Components up to the first missing one; the fraction of a second becomes
    milliseconds (digits past the third are dropped: the spec quantises to ms)."""
    out: list[int] = []
    for i, g in enumerate(groups):
        if g is None:
            break
        if i == len(groups) - 1 and len(groups) in (4, 7):
            out.append(int((g + "00")[:3]))
        else:
            out.append(int(g))
    return out


def _offset(text: Optional[str]) -> tuple[Optional[Decimal], bool]:
    if text is None:
        return None, False
    if text == "Z":
        return Decimal("0.00"), True
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes > 59:
        raise ValueError(f"bad timezone offset {text!r}")
    value = sign * (Decimal(hours) + Decimal(minutes) / 60)
    return value.quantize(Decimal("0.01")), False


def split_literal(text: str) -> Optional[Parsed]:
    """Components of a CQL date/time literal (text after '@'), or None if malformed."""
    m = _LIT_TIME.fullmatch(text)
    if m:
        return "Time", _ints(m.groups()), None, False
    m = _LIT_DATE.fullmatch(text)
    if m:
        return "Date", _ints(m.groups()), None, False
    m = _LIT_DATETIME.fullmatch(text)
    if m:
        g = m.groups()
        fields = _ints(g[:3])
        if len(fields) == 3:          # a time part only makes sense after a full date
            fields += _ints(g[3:7])
        elif g[3] is not None:
            return None
        offset, z = _offset(g[7])
        return "DateTime", fields, offset, z
    return None


def split_iso_datetime(text: str) -> Optional[Parsed]:
    """``ToDateTime`` input: a date, or a date and time, with optional offset."""
    text = text.strip()
    m = _LIT_DATE.fullmatch(text)
    if m:
        return "DateTime", _ints(m.groups()), None, False
    parsed = split_literal(text)
    if parsed is None or parsed[0] != "DateTime":
        return None
    return parsed


def split_iso_date(text: str) -> Optional[Parsed]:
    """``ToDate`` input: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a date-time string
    gives its date part (FHIR data often holds dateTimes where a date is wanted)."""
    text = text.strip()
    m = _LIT_DATE.fullmatch(text)
    if m:
        return "Date", _ints(m.groups()), None, False
    parsed = split_literal(text)
    if parsed is None or parsed[0] != "DateTime":
        return None
    return "Date", parsed[1][:3], None, False


def split_iso_time(text: str) -> Optional[Parsed]:
    """``ToTime`` input: ``[T]hh[:mm[:ss[.fff]]]`` with an optional offset, which a
    Time cannot carry and is therefore dropped (the conformance suite expects this)."""
    m = _ISO_TIME.fullmatch(text.strip())
    if not m:
        return None
    return "Time", _ints(m.groups()[:4]), None, False
