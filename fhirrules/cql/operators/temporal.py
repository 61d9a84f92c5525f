"""Date and Time operators (spec 09-b "Date and Time Operators") and the temporal
conversions ``ToDate``/``ToDateTime``/``ToTime``.

Calling convention (docs/internals.md): evaluated arguments positionally, the date/time
precision as ``precision=``; None in gives None out.  ``OPERATORS`` is keyed by ELM name,
``FUNCTIONS`` by the name written in CQL.  ``Before``/``After``/``SameAs``/... here take
Date/DateTime/Time points; given an Interval (or points of another type) they hand over
to the interval operators of the same name.
Temporal ``+``/``-`` Quantity is ``add``/``subtract`` below, for the arithmetic module
to call.  ``Now``/``Today``/``TimeOfDay`` take the evaluation's fixed ``now``."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.temporal_between import (
    calculate_age_at, difference_between, duration_between)
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.temporal import (
    MAX_DATE, MAX_DATETIME, MAX_TIME, MIN_DATE, MIN_DATETIME, MIN_TIME, Date, DateTime,
    TemporalBase, Time, get_default_offset, normalize_precision, parse_iso_date,
    parse_iso_datetime, parse_iso_time)
from fhirrules.cql.types.temporal_calendar import HOUR

__all__ = ["OPERATORS", "FUNCTIONS", "add", "subtract", "date", "datetime", "time",
           "date_from", "time_from", "timezone_offset_from", "component_from",
           "successor", "predecessor",
           "before", "after", "same_as", "same_or_before", "same_or_after",
           "difference_between", "duration_between", "calculate_age_at", "calculate_age",
           "now", "today", "time_of_day", "to_date", "to_datetime", "to_time",
           "min_value", "max_value", "low_boundary", "high_boundary", "precision_digits",
           "MIN_DATE", "MAX_DATE", "MIN_DATETIME", "MAX_DATETIME", "MIN_TIME", "MAX_TIME"]


# ---------------------------------------------------------------- constructors
def _components(args: tuple, type_name: str) -> Optional[list[int]]:
    """Leading non-null components; a component after a null one is an error (spec:
    'no component may be specified at a precision below an unspecified precision')."""
    out: list[int] = []
    for i, v in enumerate(args):
        if v is None:
            if any(x is not None for x in args[i + 1:]):
                raise CqlRuntimeError(f"{type_name}: a component follows an unspecified one")
            break
        if type(v) is bool or not isinstance(v, int):
            raise CqlRuntimeError(f"{type_name} components must be Integers, got {v!r}")
        out.append(int(v))
    return out or None


def date(*args: Any) -> Optional[Date]:
    """``Date(year[, month[, day]])``; null year gives null."""
    f = _components(args, "Date")
    return None if f is None else Date(*f)


def datetime(*args: Any) -> Optional[DateTime]:
    """``DateTime(year, ..., millisecond[, timezoneOffset])``; the offset stays
    unspecified (None) when not given, so the evaluation's default applies."""
    offset = args[7] if len(args) > 7 else None
    if len(args) > 8:
        raise CqlRuntimeError(f"DateTime takes at most 8 arguments, got {len(args)}")
    f = _components(args[:7], "DateTime")
    if f is None:
        return None
    if offset is not None and (type(offset) is bool or not isinstance(offset, (int, float, Decimal))):
        raise CqlRuntimeError(f"DateTime timezone offset must be a Decimal, got {offset!r}")
    return DateTime(*f, offset=offset)


def time(*args: Any) -> Optional[Time]:
    """``Time(hour[, minute[, second[, millisecond]]])``."""
    f = _components(args, "Time")
    return None if f is None else Time(*f)


# ---------------------------------------------------------------- components
def date_from(x: Any) -> Optional[Date]:
    if x is None:
        return None
    if isinstance(x, DateTime):
        return x.date()
    if isinstance(x, Date):
        return x
    raise CqlRuntimeError(f"date from needs a DateTime, got {type(x).__name__}")


def time_from(x: Any) -> Optional[Time]:
    if x is None:
        return None
    if isinstance(x, DateTime):
        return x.time()
    if isinstance(x, Time):
        return x
    raise CqlRuntimeError(f"time from needs a DateTime, got {type(x).__name__}")


def timezone_offset_from(x: Any) -> Optional[Decimal]:
    """The offset in hours; for a DateTime written without one, the evaluation's
    default (the offset it is interpreted in), unless it has no time of day at all."""
    if x is None:
        return None
    if not isinstance(x, DateTime):
        raise CqlRuntimeError(f"timezoneoffset from needs a DateTime, got {type(x).__name__}")
    if x.offset is not None:
        return x.offset
    return get_default_offset() if len(x.fields) > HOUR else None


def component_from(x: Any, precision: Any = None) -> Any:
    """``<precision> from x`` (ELM DateTimeComponentFrom); null when x is not specified
    to that precision.  Also accepts 'date', 'time' and 'timezoneoffset'."""
    if x is None:
        return None
    p = str(precision or "").strip().lower()
    if p == "date":
        return date_from(x)
    if p == "time":
        return time_from(x)
    if p in ("timezoneoffset", "timezone"):
        return timezone_offset_from(x)
    if not isinstance(x, TemporalBase):
        raise CqlRuntimeError(f"{p} from needs a Date, DateTime or Time, got {type(x).__name__}")
    name = normalize_precision(p)
    if name == "week" or name is None:
        raise CqlRuntimeError(f"cannot extract {precision!r} from a date/time")
    return x.component(name)


# ---------------------------------------------------------------- comparisons
def _interval_operator(name: str) -> Callable:
    """The interval version of a timing operator (intervals are another engineer's module;
    looked up lazily so each module imports without the other)."""
    try:
        from fhirrules.cql.operators import interval as iv  # type: ignore[attr-defined]
    except ImportError:
        iv = None
    fn = getattr(iv, "OPERATORS", {}).get(name) if iv is not None else None
    if fn is None or fn is OPERATORS.get(name):
        raise CqlRuntimeError(f"{name} on intervals is not available")
    return fn


def _comparison(name: str, accept: Callable[[int], bool]) -> Callable:
    def op(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
        if a is None or b is None:
            return None
        if isinstance(a, Interval) or isinstance(b, Interval) or not isinstance(a, TemporalBase):
            # intervals, and points of other types (Integer, Decimal, Quantity), are
            # the interval operators' business
            fn = _interval_operator(name)
            return fn(a, b, precision=precision) if precision else fn(a, b)
        c = a.cql_compare(b, precision)
        return None if c is None else accept(c)
    op.__name__ = name
    op.__doc__ = f"ELM {name} on Date/DateTime/Time points, optionally to a precision."
    return op


before = _comparison("Before", lambda c: c < 0)
after = _comparison("After", lambda c: c > 0)
same_as = _comparison("SameAs", lambda c: c == 0)
same_or_before = _comparison("SameOrBefore", lambda c: c <= 0)
same_or_after = _comparison("SameOrAfter", lambda c: c >= 0)


# ---------------------------------------------------------------- arithmetic
def add(x: Any, q: Any) -> Optional[TemporalBase]:
    """Date/DateTime/Time + time-valued Quantity (arithmetic's Add calls this)."""
    if x is None or q is None:
        return None
    return x.add_quantity(q)


def subtract(x: Any, q: Any) -> Optional[TemporalBase]:
    if x is None or q is None:
        return None
    return x.subtract_quantity(q)


def successor(x: Any) -> Optional[TemporalBase]:
    return None if x is None else x.successor()


def predecessor(x: Any) -> Optional[TemporalBase]:
    return None if x is None else x.predecessor()


# ---------------------------------------------------------------- clock
def now(now_value: Any) -> Any:
    """``Now()``: the evaluation's timestamp (the same all through one evaluation)."""
    return now_value


def today(now_value: Any) -> Optional[Date]:
    return date_from(now_value)


def time_of_day(now_value: Any) -> Optional[Time]:
    return time_from(now_value)


def calculate_age(birth: Any, now_value: Any, precision: Any = "year") -> Any:
    """``CalculateAgeIn<Precision>s(birthDate)``: age as of the evaluation's ``now``."""
    return calculate_age_at(birth, now_value, precision)


def _age_at(precision: str) -> Callable:
    def fn(birth: Any, as_of: Any) -> Any:
        return calculate_age_at(birth, as_of, precision)
    fn.__name__ = f"CalculateAgeIn{precision.capitalize()}sAt"
    return fn


# ---------------------------------------------------------------- conversions
def to_date(x: Any) -> Optional[Date]:
    """``ToDate``: from an ISO string (null if unparseable), a DateTime or a Date."""
    if x is None:
        return None
    if isinstance(x, str):
        return parse_iso_date(x)
    if isinstance(x, DateTime):
        return x.date()
    if isinstance(x, Date):
        return x
    raise CqlRuntimeError(f"cannot convert {type(x).__name__} to Date")


def to_datetime(x: Any) -> Optional[DateTime]:
    """``ToDateTime``: from an ISO string (null if unparseable), a Date or a DateTime."""
    if x is None:
        return None
    if isinstance(x, str):
        return parse_iso_datetime(x)
    if isinstance(x, Date):
        return x.to_datetime()
    if isinstance(x, DateTime):
        return x
    raise CqlRuntimeError(f"cannot convert {type(x).__name__} to DateTime")


def to_time(x: Any) -> Optional[Time]:
    """``ToTime``: from an ISO string (null if unparseable) or a Time."""
    if x is None:
        return None
    if isinstance(x, str):
        return parse_iso_time(x)
    if isinstance(x, Time):
        return x
    if isinstance(x, DateTime):
        return x.time()
    raise CqlRuntimeError(f"cannot convert {type(x).__name__} to Time")


def _converts(conv: Callable) -> Callable:
    def fn(x: Any) -> Optional[bool]:
        if x is None:
            return None
        try:
            return conv(x) is not None
        except CqlRuntimeError:
            return False
    return fn


# ---------------------------------------------------------------- extremes, boundaries
_MIN = {"Date": MIN_DATE, "DateTime": MIN_DATETIME, "Time": MIN_TIME}
_MAX = {"Date": MAX_DATE, "DateTime": MAX_DATETIME, "Time": MAX_TIME}


def min_value(type_name: str) -> Optional[TemporalBase]:
    """``minimum Date``/``DateTime``/``Time`` (name with or without 'System.')."""
    return _MIN.get(type_name.split(".")[-1])


def max_value(type_name: str) -> Optional[TemporalBase]:
    return _MAX.get(type_name.split(".")[-1])


def low_boundary(x: Any, digits: Any = None) -> Optional[TemporalBase]:
    """``LowBoundary(x, digits)`` for temporals (digits: 4 year ... 17 millisecond for
    Date/DateTime; 2 hour ... 9 millisecond for Time)."""
    return None if x is None else x.low_boundary(digits)


def high_boundary(x: Any, digits: Any = None) -> Optional[TemporalBase]:
    return None if x is None else x.high_boundary(digits)


def precision_digits(x: Any) -> Optional[int]:
    """``Precision(x)`` for temporals."""
    return None if x is None else x.precision_digits()


# ---------------------------------------------------------------- registry tables
OPERATORS: dict[str, Callable] = {
    "Date": date,
    "DateTime": datetime,
    "Time": time,
    "DateFrom": date_from,
    "TimeFrom": time_from,
    "TimezoneOffsetFrom": timezone_offset_from,
    "DateTimeComponentFrom": component_from,
    "SameAs": same_as,
    "SameOrBefore": same_or_before,
    "SameOrAfter": same_or_after,
    "Before": before,
    "After": after,
    "DifferenceBetween": difference_between,
    "DurationBetween": duration_between,
    "Now": now,
    "Today": today,
    "TimeOfDay": time_of_day,
    "ToDate": to_date,
    "ToDateTime": to_datetime,
    "ToTime": to_time,
    "ConvertsToDate": _converts(to_date),
    "ConvertsToDateTime": _converts(to_datetime),
    "ConvertsToTime": _converts(to_time),
    "CalculateAgeAt": calculate_age_at,
    "CalculateAge": calculate_age,
}

FUNCTIONS: dict[str, Callable] = {
    "Date": date,
    "DateTime": datetime,
    "Time": time,
    "ToDate": to_date,
    "ToDateTime": to_datetime,
    "ToTime": to_time,
    "ConvertsToDate": OPERATORS["ConvertsToDate"],
    "ConvertsToDateTime": OPERATORS["ConvertsToDateTime"],
    "ConvertsToTime": OPERATORS["ConvertsToTime"],
    **{f"CalculateAgeIn{p.capitalize()}sAt": _age_at(p)
       for p in ("year", "month", "week", "day", "hour", "minute", "second")},
}
