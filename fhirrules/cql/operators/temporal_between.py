"""``difference in <precision> between`` (boundaries crossed) and ``<precision> between``
(whole periods elapsed) for Date, DateTime and Time, with the uncertainty of spec 05
"Determining Difference and Duration": when a value is less precise than the question,
the answer is an ``Interval[low, high]`` of Integers, from the latest possible first
value to the earliest possible second value and the other way round.

Choices the spec leaves open, fixed here to match the conformance suite:
- Duration fills missing DateTime components down to the second (``years between
  DateTime(2005) and DateTime(2010)`` is ``[4, 5]``; ``months between DateTime(2005) and
  DateTime(2006, 5)`` is ``[4, 16]``); a value given to the second counts as exact,
  Dates are exact at day, and a Time's missing components count as zero
  (``hours between @T06 and @T07:00:00`` is 1).
- Difference fills missing components only down to the precision asked for.
- DateTimes with different offsets are compared in UTC; for difference only when the
  precision is hour or finer (spec 09-b Difference), for duration always, because a
  duration measures elapsed time (``days between @2017-03-12T00:00:00-07:00 and
  @2017-03-13T00:00:00-06:00`` is 0: 23 hours).
"""
from __future__ import annotations

from typing import Any, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.temporal import Date, DateTime, TemporalBase, Time, normalize_precision
from fhirrules.cql.types.temporal_calendar import (
    HOUR, PRECISION_INDEX, UNIT_MS, pad_high, pad_low, time_to_ms, to_ms, trunc_div, ymd_to_ordinal)

_DATE_UNITS = ("year", "month", "week", "day")
_TIME_UNITS = ("hour", "minute", "second", "millisecond")

Result = Optional[int | Interval]


def _align(a: Any, b: Any, precision: Any) -> tuple[Any, Any, str]:
    """Both values of one type (a Date meeting a DateTime becomes a DateTime, as ToDateTime
    would make it) and the precision, checked against that type."""
    for x in (a, b):
        if not isinstance(x, TemporalBase):
            raise CqlRuntimeError(f"between needs Date, DateTime or Time values, got {type(x).__name__}")
    if isinstance(a, Date) and isinstance(b, DateTime):
        a = a.to_datetime()
    elif isinstance(b, Date) and isinstance(a, DateTime):
        b = b.to_datetime()
    if type(a) is not type(b):
        raise CqlRuntimeError(f"cannot compute between a {a._TYPE_NAME} and a {b._TYPE_NAME}")
    p = normalize_precision(precision or "millisecond")
    allowed = _TIME_UNITS if isinstance(a, Time) else _DATE_UNITS if isinstance(a, Date) \
        else _DATE_UNITS + _TIME_UNITS
    if p not in allowed:
        raise CqlRuntimeError(f"precision {p} is not valid between {a._TYPE_NAME} values")
    return a, b, p


def _fields(a: Any, b: Any, to_utc: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if to_utc and isinstance(a, DateTime) and a._effective_offset() != b._effective_offset() \
            and len(a.fields) > HOUR and len(b.fields) > HOUR:
        return a._utc_fields(), b._utc_fields()
    return a.fields, b.fields


def _result(low: int, high: int) -> int | Interval:
    return low if low == high else Interval(low, high, True, True)


# ---------------------------------------------------------------- duration
def _duration_bounds(x: Any, fields: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """Earliest and latest instant (7 components) a value can stand for."""
    if isinstance(x, Time):
        full = [1, 1, 1] + pad_low(fields, HOUR)
        return full, full
    exact = 3 if isinstance(x, Date) else 6     # components that can be uncertain
    low, high = pad_low(fields), pad_high(fields)
    n = max(len(fields), exact)
    low = low[:n] + [0] * (7 - n)
    high = high[:n] + [0] * (7 - n)
    return low, high


def _whole_periods(x: list[int], y: list[int], unit: str) -> int:
    if unit in ("year", "month"):
        months = (y[0] - x[0]) * 12 + (y[1] - x[1])
        # a month is complete only when the later value has reached the earlier's day/time
        if months > 0 and y[2:] < x[2:]:
            months -= 1
        elif months < 0 and y[2:] > x[2:]:
            months += 1
        return trunc_div(months, 12) if unit == "year" else months
    return trunc_div(to_ms(y) - to_ms(x), UNIT_MS[unit])


def duration_between(a: Any, b: Any, precision: Any = None) -> Result:
    """``<precision> between a and b``: whole periods from a to b (negative if b is
    earlier); an Interval when the inputs are too imprecise to tell."""
    if a is None or b is None:
        return None
    a, b, p = _align(a, b, precision)
    fa, fb = _fields(a, b, to_utc=True)
    a_low, a_high = _duration_bounds(a, fa)
    b_low, b_high = _duration_bounds(b, fb)
    return _result(_whole_periods(a_high, b_low, p), _whole_periods(a_low, b_high, p))


# ---------------------------------------------------------------- difference
def _difference_bounds(x: Any, fields: tuple[int, ...], target: int) -> tuple[list[int], list[int]]:
    """Components down to index ``target``; missing ones span their whole range (a
    Time's missing components count as zero, as for duration)."""
    first = x._FIRST
    n = target - first + 1
    if len(fields) >= n:
        return list(fields[:n]), list(fields[:n])
    if isinstance(x, Time):
        full = pad_low(fields, first)[:n]
        return full, full
    return pad_low(fields, first)[:n], pad_high(fields, first)[:n]


def _boundaries_crossed(x: list[int], y: list[int], unit: str, first: int) -> int:
    if first == HOUR:
        x7, y7 = [1, 1, 1] + x, [1, 1, 1] + y
    else:
        x7, y7 = x, y
    if unit == "year":
        return y7[0] - x7[0]
    if unit == "month":
        return (y7[0] - x7[0]) * 12 + (y7[1] - x7[1])
    if unit in ("day", "week"):
        ox, oy = ymd_to_ordinal(*x7[:3]), ymd_to_ordinal(*y7[:3])
        if unit == "day":
            return oy - ox
        return oy // 7 - ox // 7      # ordinal 7 (0001-01-07) is a Sunday: weeks start on Sunday
    if first == HOUR:
        mx = time_to_ms(pad_low(x7[3:], HOUR))
        my = time_to_ms(pad_low(y7[3:], HOUR))
    else:
        mx, my = to_ms(pad_low(x7)), to_ms(pad_low(y7))
    return (my - mx) // UNIT_MS[unit]     # both truncated to the unit: exact division


def difference_between(a: Any, b: Any, precision: Any = None) -> Result:
    """``difference in <precision> between a and b``: calendar boundaries crossed."""
    if a is None or b is None:
        return None
    a, b, p = _align(a, b, precision)
    target = PRECISION_INDEX["day" if p == "week" else p]
    fa, fb = _fields(a, b, to_utc=target >= HOUR)
    a_low, a_high = _difference_bounds(a, fa, target)
    b_low, b_high = _difference_bounds(b, fb, target)
    first = a._FIRST
    return _result(_boundaries_crossed(a_high, b_low, p, first),
                   _boundaries_crossed(a_low, b_high, p, first))


# ---------------------------------------------------------------- age
def calculate_age_at(birth: Any, as_of: Any, precision: Any = "year") -> Result:
    """``CalculateAgeIn<Precision>sAt(birthDate, asOf)``: the duration between them.  A
    Date birth date is measured against the date of a DateTime ``as_of`` (ages are
    counted in calendar days, whatever the time of day)."""
    if birth is None or as_of is None:
        return None
    if isinstance(birth, Date) and isinstance(as_of, DateTime):
        as_of = as_of.date()
    return duration_between(birth, as_of, precision)
