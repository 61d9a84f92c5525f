"""System.Date, System.DateTime and System.Time.

Each value keeps its components down to its precision and nothing more: ``@2014-01``
is a Date of month precision, ``@2014-01-01T`` a DateTime of day precision, ``@T10:30``
a Time of minute precision.  A DateTime also has a timezone offset in hours (Decimal,
two decimals: +05:30 is 5.50) or None when it was written without one; comparisons
then use the evaluation's default offset (``set_default_offset``; 0 unless the engine
sets it).  The shared behaviour (the temporal protocol of docs/internals.md) is in
``temporal_base.py``; calendar helpers in ``temporal_calendar.py``; text recognition in
``temporal_parse.py``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from fhirrules.cql.errors import CqlRuntimeError, CqlSyntaxError
from fhirrules.cql.types.temporal_base import (
    DIGITS, TIME_DIGITS, TemporalBase, calendar_unit, default_offset, get_default_offset,
    normalize_precision, reset_default_offset, set_default_offset)
from fhirrules.cql.types.temporal_calendar import (
    HOUR, PRECISIONS, from_ms, offset_minutes, pad_low, to_ms, validate_fields)
from fhirrules.cql.types.temporal_parse import (
    split_iso_date, split_iso_datetime, split_iso_time, split_literal)

__all__ = [
    "Date", "DateTime", "Time", "PRECISIONS", "DIGITS", "TIME_DIGITS", "TemporalBase",
    "parse_temporal_literal", "parse_iso_date", "parse_iso_datetime", "parse_iso_time",
    "get_default_offset", "set_default_offset", "reset_default_offset", "default_offset",
    "calendar_unit",
    "normalize_precision", "is_temporal",
    "MIN_DATE", "MAX_DATE", "MIN_DATETIME", "MAX_DATETIME", "MIN_TIME", "MAX_TIME",
]

_OFFSET_MIN, _OFFSET_MAX = Decimal(-13), Decimal(14)


def _fields_from(args: tuple, max_len: int, type_name: str) -> tuple[int, ...]:
    if not 1 <= len(args) <= max_len:
        raise CqlRuntimeError(f"{type_name} takes 1 to {max_len} components, got {len(args)}")
    return tuple(args)


def _date_text(fields: tuple[int, ...]) -> str:
    text = f"{fields[0]:04d}"
    for v in fields[1:3]:
        text += f"-{v:02d}"
    return text


def _time_text(fields: tuple[int, ...]) -> str:
    """hh[:mm[:ss[.fff]]] for hour..millisecond components."""
    text = ":".join(f"{v:02d}" for v in fields[:3])
    if len(fields) > 3:
        text += f".{fields[3]:03d}"
    return text


def _offset_text(offset: Decimal) -> str:
    minutes = offset_minutes(offset)
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h:02d}:{m:02d}"


class Date(TemporalBase):
    """``Date(2014)``, ``Date(2014, 1)``, ``Date(2014, 1, 31)``."""

    __slots__ = ()
    _MAX_LEN = 3
    _TYPE_NAME = "Date"
    _UNITS = ("year", "month", "week", "day")

    def __init__(self, *fields: int) -> None:
        f = _fields_from(fields, 3, "Date")
        validate_fields(f)
        self._fields = f

    def _replace(self, fields: Any) -> "Date":
        return Date(*fields)

    def _effective_offset(self) -> Optional[Decimal]:
        # compared with a DateTime, a Date acts as ToDateTime(date): default offset
        return get_default_offset()

    @property
    def year(self) -> int:
        return self._fields[0]

    @property
    def month(self) -> Optional[int]:
        return self.component("month")

    @property
    def day(self) -> Optional[int]:
        return self.component("day")

    def to_datetime(self) -> "DateTime":
        return DateTime(*self._fields)

    def cql_str(self) -> str:
        return "@" + _date_text(self._fields)

    def __str__(self) -> str:
        return _date_text(self._fields)


class DateTime(TemporalBase):
    """``DateTime(2014, 1, 1, 10, 30, 0, 0, offset=Decimal('-7'))``; ``offset`` None when
    unspecified.  ``utc_z`` only remembers that a literal was written with 'Z'."""

    __slots__ = ("offset", "utc_z")
    _TYPE_NAME = "DateTime"

    def __init__(self, *fields: int, offset: Decimal | int | float | None = None,
                 utc_z: bool = False) -> None:
        f = _fields_from(fields, 7, "DateTime")
        validate_fields(f)
        self._fields = f
        if offset is not None:
            if type(offset) is bool:
                raise CqlRuntimeError("timezone offset must be a Decimal")
            offset = Decimal(str(offset)).quantize(Decimal("0.01"))
            if not _OFFSET_MIN <= offset <= _OFFSET_MAX:
                raise CqlRuntimeError(f"timezone offset {offset} is outside -13.00..14.00")
        self.offset: Optional[Decimal] = offset
        self.utc_z = bool(utc_z) and offset == 0

    def _replace(self, fields: Any) -> "DateTime":
        return DateTime(*fields, offset=self.offset, utc_z=self.utc_z)

    def _effective_offset(self) -> Optional[Decimal]:
        return self.offset if self.offset is not None else get_default_offset()

    def __getattr__(self, name: str) -> Any:
        # year/month/day/hour/minute/second/millisecond as attributes
        if name in PRECISIONS:
            return self.component(name)
        raise AttributeError(name)

    def date(self) -> Date:
        """``date from``: the date components as written (no offset normalisation)."""
        return Date(*self._fields[:3])

    def time(self) -> Optional["Time"]:
        """``time from``: the time components, None when the value has no hour."""
        if len(self._fields) <= HOUR:
            return None
        return Time(*self._fields[HOUR:])

    def with_offset(self, offset: Decimal | int | float) -> "DateTime":
        """The same instant expressed at another offset (only values with an hour move)."""
        target = Decimal(str(offset)).quantize(Decimal("0.01"))
        if len(self._fields) <= HOUR:
            return DateTime(*self._fields, offset=target)
        minutes = offset_minutes(target) - offset_minutes(self._effective_offset())
        return DateTime(*_safe(self._shift_minutes(minutes)), offset=target)

    def _shift_minutes(self, minutes: int) -> tuple[int, ...]:
        total = to_ms(pad_low(self._fields)) + minutes * 60_000
        return tuple(from_ms(total)[:len(self._fields)])

    def cql_str(self) -> str:
        text = "@" + _date_text(self._fields) + "T"
        if len(self._fields) > HOUR:
            text += _time_text(self._fields[HOUR:])
        if self.offset is not None:
            text += "Z" if self.utc_z else _offset_text(self.offset)
        return text

    def __str__(self) -> str:
        """ToString: ISO 8601 ('2000-01-01', '2000-01-01T08:25:25.300-07:00')."""
        text = _date_text(self._fields)
        if len(self._fields) > HOUR:
            text += "T" + _time_text(self._fields[HOUR:])
            if self.offset is not None:
                text += _offset_text(self.offset)
        return text


def _safe(fields: tuple[int, ...]) -> tuple[int, ...]:
    # UTC components of a value near 0001-01-01 / 9999-12-31 may fall in year 0 or
    # 10000; DateTime cannot hold those, so such conversions are refused cleanly.
    if not 1 <= fields[0] <= 9999:
        raise CqlRuntimeError("date/time is outside the range 0001..9999 at the requested offset")
    return fields


class Time(TemporalBase):
    """``Time(10)``, ``Time(10, 30)``, ``Time(10, 30, 0)``, ``Time(10, 30, 0, 0)``."""

    __slots__ = ()
    _FIRST = HOUR
    _MAX_LEN = 4
    _FAMILY = "time"
    _TYPE_NAME = "Time"
    _UNITS = ("hour", "minute", "second", "millisecond")

    def __init__(self, *fields: int) -> None:
        f = _fields_from(fields, 4, "Time")
        validate_fields(f, HOUR)
        self._fields = f

    def _replace(self, fields: Any) -> "Time":
        return Time(*fields)

    def __getattr__(self, name: str) -> Any:
        if name in PRECISIONS[HOUR:]:
            return self.component(name)
        raise AttributeError(name)

    def cql_str(self) -> str:
        return "@T" + _time_text(self._fields)

    def __str__(self) -> str:
        return _time_text(self._fields)


def is_temporal(x: Any) -> bool:
    return isinstance(x, TemporalBase)


# ---------------------------------------------------------------- construction from text
def _build(parsed: Any) -> TemporalBase:
    kind, fields, offset, z = parsed
    if kind == "Time":
        return Time(*fields)
    if kind == "Date":
        return Date(*fields)
    return DateTime(*fields, offset=offset, utc_z=z)


def parse_temporal_literal(text: str) -> Date | DateTime | Time:
    """The value of a CQL literal given the text after '@'.  Malformed text raises
    CqlSyntaxError, impossible values (month 13, Feb 30, hour 24) CqlRuntimeError; the
    caller adds the source position."""
    try:
        parsed = split_literal(text)
    except ValueError as e:
        raise CqlSyntaxError(f"invalid date/time literal '@{text}': {e}") from None
    if parsed is None:
        raise CqlSyntaxError(f"invalid date/time literal '@{text}'")
    try:
        return _build(parsed)
    except CqlRuntimeError as e:
        raise CqlRuntimeError(f"invalid date/time literal '@{text}': {e.message}") from None


def _lenient(splitter: Any, text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        parsed = splitter(text)
        return None if parsed is None else _build(parsed)
    except (ValueError, CqlRuntimeError):
        return None


def parse_iso_datetime(text: Any) -> Optional[DateTime]:
    """``ToDateTime(String)``: None for text that is not an ISO 8601 date/dateTime."""
    value = _lenient(split_iso_datetime, text)
    if value is not None:
        value.utc_z = False      # ToDateTime('...Z') prints as +00:00 (conformance suite)
    return value


def parse_iso_date(text: Any) -> Optional[Date]:
    """``ToDate(String)``: None for text that is not an ISO 8601 date."""
    return _lenient(split_iso_date, text)


def parse_iso_time(text: Any) -> Optional[Time]:
    """``ToTime(String)``: None for text that is not an ISO 8601 time."""
    return _lenient(split_iso_time, text)


# ---------------------------------------------------------------- extremes
MIN_DATE = Date(1, 1, 1)
MAX_DATE = Date(9999, 12, 31)
MIN_DATETIME = DateTime(1, 1, 1, 0, 0, 0, 0, offset=Decimal(0), utc_z=True)
MAX_DATETIME = DateTime(9999, 12, 31, 23, 59, 59, 999, offset=Decimal(0), utc_z=True)
MIN_TIME = Time(0, 0, 0, 0)
MAX_TIME = Time(23, 59, 59, 999)
