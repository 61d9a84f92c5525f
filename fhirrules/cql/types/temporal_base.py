"""The behaviour Date, DateTime and Time share: precision, the precision-aware
comparison of spec 05 "Precision-Based Timing", successor/predecessor and calendar
arithmetic with Quantities (spec 05 "Date and Time Arithmetic", 09-b Add/Subtract).

Design notes
- A value is a tuple of components down to its precision; a Time's tuple starts at
  ``hour`` (``_FIRST`` = 3).  Nothing below the precision is stored or invented.
- Comparison walks the components from the coarsest; a component present on one side
  only makes the answer uncertain (None).  Seconds and milliseconds are compared as
  separate precisions: the conformance suite (``DateTimeIncludedInNull``,
  ``ProperContainsTimeNull``) expects ``@T15:59:59`` vs ``@T15:59:59.999`` to be null.
- DateTimes with different timezone offsets are normalised to UTC before comparing,
  but only when the comparison reaches hour precision (spec 09-b Same As); values that
  share an offset are compared as written.  The offset of a DateTime written without
  one is the evaluation's default offset (``get_default_offset``).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar, Token
from decimal import Decimal
from typing import Any, Iterator, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.temporal_calendar import (
    DAY_MS, HOUR, PRECISION_INDEX, PRECISIONS, UNIT_MS, check_year, days_in_month, from_ms,
    offset_minutes, pad_high, pad_low, time_from_ms, time_to_ms, to_ms)

# ----------------------------------------------------------------- default offset
# A ContextVar rather than a plain global: the CDS Hooks service evaluates requests
# concurrently, each with the offset of its own request timestamp.
_DEFAULT_OFFSET: ContextVar[Decimal] = ContextVar("cql_default_offset", default=Decimal("0.00"))


def get_default_offset() -> Decimal:
    """Timezone offset (hours) assumed for DateTimes written without one."""
    return _DEFAULT_OFFSET.get()


def set_default_offset(offset: Decimal | int | float | None) -> Token:
    """Set the evaluation's default offset (hours; None means 0) and return a token for
    ``reset_default_offset``.  The engine sets it to the offset of the evaluation's
    ``now`` (spec: 'the timezone offset of the evaluation request timestamp')."""
    value = Decimal(str(offset if offset is not None else 0)).quantize(Decimal("0.01"))
    return _DEFAULT_OFFSET.set(value)


def reset_default_offset(token: Token) -> None:
    _DEFAULT_OFFSET.reset(token)


@contextmanager
def default_offset(offset: Decimal | int | float | None) -> Iterator[None]:
    """``with default_offset(now.offset): ...`` evaluates with that default offset."""
    token = set_default_offset(offset)
    try:
        yield
    finally:
        reset_default_offset(token)


# ----------------------------------------------------------------- units
# UCUM definite-duration codes that map onto calendar arithmetic; 'a' and 'mo' are
# refused: the spec forbids definite-duration units above days for date arithmetic.
_UCUM_TIME_UNITS = {"wk": "week", "d": "day", "h": "hour", "min": "minute", "s": "second",
                    "ms": "millisecond"}
_FORBIDDEN_UCUM = {"a": "year", "mo": "month"}

DIGITS = {"year": 4, "month": 6, "day": 8, "hour": 10, "minute": 12, "second": 14,
          "millisecond": 17}
TIME_DIGITS = {"hour": 2, "minute": 4, "second": 6, "millisecond": 9}


def normalize_precision(precision: Optional[str]) -> Optional[str]:
    """'Days', 'day', 'DAY' -> 'day'; None stays None; anything else is an error."""
    if precision is None:
        return None
    p = str(precision).strip().lower()
    if p.endswith("s") and p[:-1] in PRECISIONS + ("week",):
        p = p[:-1]
    if p not in PRECISION_INDEX and p != "week":
        raise CqlRuntimeError(f"unknown date/time precision {precision!r}")
    return p


def calendar_unit(unit: Optional[str]) -> str:
    """The calendar word for a time-valued Quantity unit, or CqlRuntimeError."""
    u = (unit or "").strip()
    if u in _UCUM_TIME_UNITS:
        return _UCUM_TIME_UNITS[u]
    if u in _FORBIDDEN_UCUM:
        raise CqlRuntimeError(
            f"definite-duration unit '{u}' cannot be added to a date/time; use the calendar "
            f"duration {_FORBIDDEN_UCUM[u]}s")
    w = u.lower()
    if w.endswith("s") and w[:-1] in PRECISIONS + ("week",):
        w = w[:-1]
    if w in PRECISION_INDEX or w == "week":
        return w
    raise CqlRuntimeError(f"'{unit}' is not a time unit for date/time arithmetic")


def _units_between(value: Decimal, unit: str, target: str) -> int:
    """``value`` ``unit``s expressed in the coarser ``target`` unit, truncated (spec 09-b
    Add: 'converting the time-based quantity to the most precise value specified in the
    first argument').  A month counts 30 days and a year 365 days, as the conformance
    suite's ``DateTime(2016,5) - 31535999 seconds = DateTime(2015,5)`` and
    ``DateTime(2014) + 735 days = @2016T`` require."""
    if unit == "month":                       # target is year
        return int(value / 12)
    ms = value * UNIT_MS[unit]
    if target == "year":
        return int(ms / (365 * DAY_MS))
    if target == "month":
        return int(ms / (30 * DAY_MS))
    return int(ms / UNIT_MS[target])


class TemporalBase:
    """Base of Date, DateTime and Time.  Subclasses set the class constants and
    implement ``_replace`` (a value of the same type with other components)."""

    __slots__ = ("_fields", "_utc")
    _FIRST = 0                 # global index of the first component
    _MAX_LEN = 7
    _FAMILY = "date"           # Date and DateTime compare with each other; Time alone
    _TYPE_NAME = "DateTime"
    _UNITS: tuple[str, ...] = PRECISIONS + ("week",)

    _fields: tuple[int, ...]

    # ------------------------------------------------------------ basics
    @property
    def fields(self) -> tuple[int, ...]:
        return self._fields

    @property
    def precision(self) -> str:
        return PRECISIONS[self._precision_index()]

    def _precision_index(self) -> int:
        return self._FIRST + len(self._fields) - 1

    def component(self, name: str) -> Optional[int]:
        """The named component ('year' ... 'millisecond'), None when not specified."""
        i = PRECISION_INDEX[normalize_precision(name)] - self._FIRST  # type: ignore[index]
        if 0 <= i < len(self._fields):
            return self._fields[i]
        return None

    def _replace(self, fields: list[int] | tuple[int, ...]) -> "TemporalBase":
        raise NotImplementedError

    def _effective_offset(self) -> Optional[Decimal]:
        """Offset used to line up instants; None for Time (no timezone)."""
        return None

    def _utc_fields(self) -> tuple[int, ...]:
        off = self._effective_offset()
        if off is None or off == 0 or self._precision_index() < HOUR:
            return self._fields
        cached = getattr(self, "_utc", None)      # values are immutable: compute once
        if cached is not None and cached[0] == off:
            return cached[1]
        total = to_ms(pad_low(self._fields)) - offset_minutes(off) * 60_000
        utc = tuple(from_ms(total)[:len(self._fields)])
        self._utc = (off, utc)
        return utc

    # ------------------------------------------------------------ comparison
    def _limit(self, precision: Optional[str]) -> Optional[int]:
        p = normalize_precision(precision)
        if p is None:
            return None
        if p == "week":
            raise CqlRuntimeError("comparisons at week precision are not supported")
        idx = PRECISION_INDEX[p]
        if idx < self._FIRST:
            raise CqlRuntimeError(f"precision {p} is not valid for a {self._TYPE_NAME}")
        return idx

    def _pair(self, other: Any, limit: Optional[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if not isinstance(other, TemporalBase):
            raise CqlRuntimeError(
                f"cannot compare a {self._TYPE_NAME} with {type(other).__name__}")
        fa, fb = self._fields, other._fields
        oa, ob = self._effective_offset(), other._effective_offset()
        finest = limit if limit is not None else self._FIRST + max(len(fa), len(fb)) - 1
        if oa is not None and ob is not None and oa != ob and finest >= HOUR:
            fa, fb = self._utc_fields(), other._utc_fields()
        return fa, fb

    def cql_compare(self, other: Any, precision: Optional[str] = None) -> Optional[int]:
        """-1/0/1 comparing component by component down to ``precision`` (or the finest
        precision of either value); None when a side lacks a component needed."""
        if other is None:
            return None
        limit = self._limit(precision)
        if isinstance(other, TemporalBase) and other._FAMILY != self._FAMILY:
            return None                 # a Time and a date are not ordered
        fa, fb = self._pair(other, limit)
        n = (limit - self._FIRST + 1) if limit is not None else max(len(fa), len(fb))
        for i in range(n):
            if i >= len(fa) or i >= len(fb):
                return None
            if fa[i] != fb[i]:
                return -1 if fa[i] < fb[i] else 1
        return 0

    def cql_equal(self, other: Any) -> Optional[bool]:
        if isinstance(other, TemporalBase) and other._FAMILY != self._FAMILY:
            return False                # values of different types are never equal
        c = self.cql_compare(other)
        return None if c is None else c == 0

    def cql_equivalent(self, other: Any) -> bool:
        """Like equality, but a precision present on one side only gives false."""
        if not isinstance(other, TemporalBase) or other._FAMILY != self._FAMILY:
            return False
        return self.cql_compare(other) == 0

    # Python protocol: == is CQL equivalence (so values work in sets and for distinct),
    # ordering sorts uncertain values before more precise ones sharing their prefix.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, TemporalBase):
            return type(other) is type(self) and self.cql_equivalent(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._utc_fields()))

    def sort_key(self) -> tuple:
        return (self._FAMILY, self._utc_fields())

    def __lt__(self, other: "TemporalBase") -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: "TemporalBase") -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: "TemporalBase") -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: "TemporalBase") -> bool:
        return self.sort_key() >= other.sort_key()

    # ------------------------------------------------------------ arithmetic
    def _shifted(self, unit: str, n: int, wrap: bool) -> "TemporalBase":
        """Move ``n`` whole ``unit``s (unit no finer than the value's precision)."""
        f = list(self._fields)
        if n == 0:
            return self._replace(f)
        if unit in ("year", "month"):
            if unit == "year":
                y, m = f[0] + n, (f[1] if len(f) > 1 else 1)
            else:
                y, m0 = divmod(f[0] * 12 + (f[1] - 1) + n, 12)
                m = m0 + 1
            check_year(y)
            f[0] = y
            if len(f) > 1:
                f[1] = m
            if len(f) > 2:          # end-of-month clamp: Jan 31 + 1 month = Feb 28/29
                f[2] = min(f[2], days_in_month(y, m))
            return self._replace(f)
        if self._FIRST == HOUR:     # Time: milliseconds since midnight
            total = time_to_ms(pad_low(f, self._FIRST)) + n * UNIT_MS[unit]
            if wrap:                # Time is cyclic for + and - (spec 1.5)
                total %= DAY_MS
            elif not 0 <= total < DAY_MS:
                raise CqlRuntimeError(f"{self.cql_str()} has no value {n:+d} {unit}")
            return self._replace(time_from_ms(total)[:len(f)])
        new = from_ms(to_ms(pad_low(f)) + n * UNIT_MS[unit])
        check_year(new[0])
        return self._replace(new[:len(f)])

    def successor(self) -> "TemporalBase":
        """The next value at this value's precision; CqlRuntimeError past the maximum."""
        return self._shifted(self.precision, 1, wrap=False)

    def predecessor(self) -> "TemporalBase":
        return self._shifted(self.precision, -1, wrap=False)

    def add_quantity(self, q: Any) -> Optional["TemporalBase"]:
        """This value plus a time-valued Quantity, with calendar semantics."""
        return self._add(q, 1)

    def subtract_quantity(self, q: Any) -> Optional["TemporalBase"]:
        return self._add(q, -1)

    def _add(self, q: Any, sign: int) -> Optional["TemporalBase"]:
        if q is None or getattr(q, "value", None) is None:
            return None
        unit = calendar_unit(q.unit)
        if unit not in self._UNITS:
            raise CqlRuntimeError(f"cannot add {unit}s to a {self._TYPE_NAME}")
        value = q.value if isinstance(q.value, Decimal) else Decimal(str(q.value))
        value *= sign
        if unit == "week":
            unit, value = "day", value * 7
        own = self._precision_index()
        if PRECISION_INDEX[unit] <= own:
            if unit == "second" and own == PRECISION_INDEX["millisecond"] and value != int(value):
                unit, value = "millisecond", value * 1000   # 1.5 s keeps its fraction
            return self._shifted(unit, int(value), wrap=True)
        target = PRECISIONS[own]
        return self._shifted(target, _units_between(value, unit, target), wrap=True)

    # ------------------------------------------------------------ boundaries
    def _digits_table(self) -> dict[str, int]:
        if self._FIRST == HOUR:
            return TIME_DIGITS
        return {p: DIGITS[p] for p in PRECISIONS[:self._MAX_LEN]}

    def precision_digits(self) -> int:
        """``Precision()``: number of digits of precision (@2014 -> 4, @T10:30 -> 4)."""
        return self._digits_table()[self.precision]

    def _boundary(self, digits: Optional[int], high: bool) -> Optional["TemporalBase"]:
        table = self._digits_table()
        if digits is None:
            target = PRECISIONS[self._FIRST + self._MAX_LEN - 1]
        else:
            fitting = [p for p, d in table.items() if d <= digits]
            if not fitting or digits > max(table.values()):
                return None
            target = fitting[-1]
        n = PRECISION_INDEX[target] - self._FIRST + 1
        if n <= len(self._fields):
            return self._replace(self._fields[:n])
        pad = pad_high if high else pad_low
        full = pad(self._fields, self._FIRST)
        return self._replace(full[:n])

    def low_boundary(self, digits: Optional[int] = None) -> Optional["TemporalBase"]:
        """``LowBoundary(x, digits)``: earliest value at the given precision."""
        return self._boundary(digits, high=False)

    def high_boundary(self, digits: Optional[int] = None) -> Optional["TemporalBase"]:
        return self._boundary(digits, high=True)

    # ------------------------------------------------------------ text
    def cql_str(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.cql_str()
