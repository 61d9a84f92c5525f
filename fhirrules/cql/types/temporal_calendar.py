"""Calendar arithmetic shared by the Date, DateTime and Time values.

Components are held as tuples of ints in the order of ``PRECISIONS`` (a Time's tuple
starts at ``hour``).  Instants are reduced to an integer count of milliseconds since
0001-01-01T00:00 (day ordinal 1 in Python's proleptic Gregorian numbering) so that
shifting, durations and comparisons are exact integer arithmetic.

Year 0 and year 10000 appear only transiently, when the minimum or maximum DateTime is
normalised to UTC from another offset; Python's ``date`` cannot hold them, so the two
ordinals just outside its range are mapped by hand."""
from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import Sequence

from fhirrules.cql.errors import CqlRuntimeError

PRECISIONS = ("year", "month", "day", "hour", "minute", "second", "millisecond")
PRECISION_INDEX = {p: i for i, p in enumerate(PRECISIONS)}
HOUR = PRECISION_INDEX["hour"]

# milliseconds in one unit, for the units of definite length
UNIT_MS = {"week": 7 * 86_400_000, "day": 86_400_000, "hour": 3_600_000, "minute": 60_000,
           "second": 1000, "millisecond": 1}
DAY_MS = 86_400_000

# lowest and highest value of each component (day's high depends on the month)
FIELD_MIN = (1, 1, 1, 0, 0, 0, 0)
FIELD_MAX = (9999, 12, 31, 23, 59, 59, 999)

_MAX_ORDINAL = date.max.toordinal()


def days_in_month(year: int, month: int) -> int:
    if 1 <= year <= 9999:
        return calendar.monthrange(year, month)[1]
    # the transient years 0 and 10000 are leap years in the proleptic calendar
    return 29 if month == 2 else calendar.mdays[month]


def ymd_to_ordinal(y: int, m: int, d: int) -> int:
    if 1 <= y <= 9999:
        return date(y, m, d).toordinal()
    if (y, m, d) == (0, 12, 31):
        return 0
    if (y, m, d) == (10000, 1, 1):
        return _MAX_ORDINAL + 1
    raise CqlRuntimeError(f"date {y:04d}-{m:02d}-{d:02d} is outside the supported range")


def ordinal_to_ymd(o: int) -> tuple[int, int, int]:
    if 1 <= o <= _MAX_ORDINAL:
        d = date.fromordinal(o)
        return d.year, d.month, d.day
    if o == 0:
        return 0, 12, 31
    if o == _MAX_ORDINAL + 1:
        return 10000, 1, 1
    raise CqlRuntimeError("date/time arithmetic result is outside the range 0001-01-01 .. 9999-12-31")


def pad_low(fields: Sequence[int], first: int = 0) -> list[int]:
    """Components padded to millisecond with each missing one at its lowest value."""
    out = list(fields)
    for i in range(first + len(out), len(PRECISIONS)):
        out.append(FIELD_MIN[i])
    return out


def pad_high(fields: Sequence[int], first: int = 0) -> list[int]:
    """Components padded to millisecond with each missing one at its highest value (the
    day at the last day of its month)."""
    out = list(fields)
    for i in range(first + len(out), len(PRECISIONS)):
        if i == 2:
            out.append(days_in_month(out[0], out[1]))
        else:
            out.append(FIELD_MAX[i])
    return out


def to_ms(full: Sequence[int]) -> int:
    """Milliseconds since 0001-01-01T00:00 for year..millisecond components."""
    y, mo, d, h, mi, s, ms = full
    days = ymd_to_ordinal(y, mo, d) - 1
    return ((((days * 24 + h) * 60 + mi) * 60 + s) * 1000) + ms


def from_ms(total: int) -> list[int]:
    days, rem = divmod(total, DAY_MS)
    y, mo, d = ordinal_to_ymd(days + 1)
    h, rem = divmod(rem, 3_600_000)
    mi, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return [y, mo, d, h, mi, s, ms]


def time_to_ms(full: Sequence[int]) -> int:
    """Milliseconds since midnight for hour..millisecond components."""
    h, mi, s, ms = full
    return ((h * 60 + mi) * 60 + s) * 1000 + ms


def time_from_ms(total: int) -> list[int]:
    h, rem = divmod(total, 3_600_000)
    mi, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return [h, mi, s, ms]


def check_year(y: int) -> None:
    if not 1 <= y <= 9999:
        raise CqlRuntimeError(f"year {y} is outside the range 1..9999")


def validate_fields(fields: Sequence[int], first: int = 0) -> None:
    """Raise CqlRuntimeError for an impossible component (month 13, Feb 30, hour 24)."""
    for i, v in enumerate(fields):
        idx = first + i
        name = PRECISIONS[idx]
        if type(v) is bool or not isinstance(v, int):
            raise CqlRuntimeError(f"{name} must be an Integer, got {v!r}")
        low, high = FIELD_MIN[idx], FIELD_MAX[idx]
        if idx == 2:
            high = days_in_month(fields[0], fields[1])
        if not low <= v <= high:
            raise CqlRuntimeError(f"{name} {v} is out of range ({low}..{high})")


def trunc_div(a: int, b: int) -> int:
    """Integer division rounding toward zero (durations are whole periods elapsed)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def offset_minutes(offset: Decimal | int) -> int:
    """An offset in hours as whole minutes (+5.5 -> 330)."""
    return int((Decimal(offset) * 60).to_integral_value())
