"""``collapse`` and ``expand`` (spec 09-b "Interval Operators")."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators.comparison import compare, is_temporal
from fhirrules.cql.operators.interval import End, Start, Union, hull
from fhirrules.cql.operators.interval_points import Point, both_null, cmp_points, le, start_point
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity


def Collapse(intervals: Optional[list], per: Any = None, precision: Optional[str] = None) -> Optional[list]:
    """Merge overlapping or meeting intervals into a sorted list of disjoint ones.

    ``per`` sets the granularity: two intervals also merge when the next one starts
    no later than ``per`` after the current one ends, compared at ``per``'s unit for
    dates and times.  This approximates the spec's partitions aligned on the first
    start (09-b, Collapse) without building them."""
    if intervals is None:
        return None
    if per is None and precision is not None:
        per = Quantity(1, precision)       # `collapse X per day` arrives as a precision
    items = [i for i in intervals if i is not None and not both_null(i)]
    if not items:
        return []

    def sort_key(i: Interval) -> Any:
        return _SortKey(start_point(i))

    items.sort(key=sort_key)
    out = [items[0]]
    for nxt in items[1:]:
        cur = out[-1]
        joined = Union(cur, nxt)
        if joined is None and per is not None:
            # a gap no wider than per is bridged
            temporal = is_temporal(End(cur))
            reach = ar.Add(End(cur), per if temporal else _per_value(per))
            unit = per.unit if temporal and isinstance(per, Quantity) and per.unit != "week" else None
            if reach is not None and le(start_point(nxt), Point(reach), unit):
                joined = hull(cur, nxt)
        if joined is not None:
            out[-1] = joined
        else:
            out.append(nxt)
    return out


class _SortKey:
    __slots__ = ("p",)

    def __init__(self, p: Point) -> None:
        self.p = p

    def __lt__(self, other: "_SortKey") -> bool:
        c = cmp_points(self.p, other.p)
        return bool(c is not None and c < 0)


def _per_value(per: Any) -> Any:
    if isinstance(per, Quantity) and per.unit == "1":
        return per.value
    return per


def Expand(x: Any, per: Any = None, precision: Optional[str] = None) -> Optional[list]:
    """``expand`` of a list of intervals (unit intervals of size ``per``) or of one
    interval (the points).  ``expand X per day`` may arrive as ``precision='day'``."""
    if x is None:
        return None
    if per is None and precision is not None:
        per = Quantity(1, precision)
    if isinstance(x, Interval):
        return [iv.low for iv in _expand_one(x, per)]
    out: list = []
    for i in x:
        if i is not None:
            out.extend(_expand_one(i, per))
    return out


def _expand_one(i: Interval, per: Any) -> list[Interval]:
    s, e = Start(i), End(i)
    if s is None or e is None:
        return []
    if is_temporal(s):
        return _expand_temporal(s, e, per)
    step = _per_value(per) if per is not None else None
    if step is None:
        step = 1 if isinstance(s, int) and isinstance(e, int) else Decimal(1)
    if isinstance(step, Quantity):
        raise CqlRuntimeError("expand of a numeric interval needs a unitless per")
    if step <= 0:
        return []
    ints = isinstance(s, int) and isinstance(e, int) and isinstance(step, int)
    if ints:
        return [Interval(v, v + step - 1) for v in range(s, e - step + 2, step)]
    step = Decimal(step)
    places = max(0, -step.as_tuple().exponent) if step != step.to_integral_value() else 0
    unit = Decimal(1).scaleb(-places)
    # bounds more precise than per are truncated to per's precision; an Integer bound
    # is less precise and stands for its whole unit (10 per 0.1 covers 10.0 .. 10.9)
    start = Decimal(s).quantize(unit, rounding="ROUND_FLOOR")
    end = Decimal(e).quantize(unit, rounding="ROUND_FLOOR")
    if isinstance(e, int) and places > 0:
        end = Decimal(e) + 1 - unit
    out: list[Interval] = []
    v = start
    while v + step - unit <= end:
        hi = v + step - unit
        out.append(Interval(_fmt(v, places), _fmt(hi, places)))
        v += step
        if len(out) > 100000:
            raise CqlRuntimeError("expand would produce more than 100000 intervals")
    return out


def _fmt(v: Decimal, places: int) -> Any:
    return int(v) if places == 0 else v.quantize(Decimal(1).scaleb(-places))


_PRECISIONS = ("year", "month", "day", "hour", "minute", "second", "millisecond")


def _precision_rank(value: Any) -> int:
    return _PRECISIONS.index(value.precision)


def _truncate(value: Any, unit: str) -> Any:
    """``value`` cut to ``unit`` precision (@T10:30 to hour precision is @T10)."""
    keep = _precision_rank(value) - _PRECISIONS.index(unit)
    if keep <= 0:
        return value
    fields = value.fields[:len(value.fields) - keep]
    return value._replace(fields)     # the temporal types' own same-type constructor


def _expand_temporal(s: Any, e: Any, per: Any) -> list[Interval]:
    if per is None:
        per = Quantity(1, s.precision)
    if not isinstance(per, Quantity) or per.value is None or per.value <= 0:
        raise CqlRuntimeError("expand of a date/time interval needs a positive time-valued per")
    unit = "day" if per.unit == "week" else per.unit
    step = per if per.unit != "week" else Quantity(per.value * 7, "day")
    if unit not in _PRECISIONS:
        raise CqlRuntimeError(f"expand per {per.unit!r}: not a date/time unit")
    # bounds less precise than per give nothing (adding per to them is uncertain);
    # more precise bounds are truncated to per's precision
    if _precision_rank(s) < _PRECISIONS.index(unit) or _precision_rank(e) < _PRECISIONS.index(unit):
        return []
    s, e = _truncate(s, unit), _truncate(e, unit)
    out: list[Interval] = []
    cur = s
    while True:
        nxt = cur.add_quantity(step)
        hi = cur.add_quantity(Quantity(step.value - 1, unit)) if step.value > 1 else cur
        c = compare(hi, e)
        if nxt is None or hi is None or c is None or c > 0:
            break
        out.append(Interval(cur, hi))
        if compare(nxt, cur) != 1:
            break
        cur = nxt
        if len(out) > 100000:
            raise CqlRuntimeError("expand would produce more than 100000 intervals")
    return out


OPERATORS: dict[str, Callable[..., Any]] = {"Collapse": Collapse, "Expand": Expand}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
