"""Interval operators (spec 09-b "Interval Operators", exact semantics from 04).

Every operator works on the *closed* start and end points of its intervals: an open
bound is moved inward with successor/predecessor, a closed null bound means "no bound"
(minus/plus infinity) and an open null bound means "unknown".  An unknown point is kept
as a range — the start of ``Interval(null, 5]`` lies somewhere in [-inf, 5] — so that
questions the range already answers get a definite answer (``Interval(null, 5] meets
after Interval[11, null)`` is false) and the others get null.

An interval whose two bounds are both null carries no type and no information; the
reference suite treats it as unknown for every operator (``Interval[null, null]
overlaps Interval[1, 10]`` is null), so both its points are unknown ranges.

Arguments that are points rather than intervals are accepted where the spec gives a
point overload (``5 in Interval[1, 10]``, ``Interval[1, 10] before 11``)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators.comparison import compare, equivalent, is_temporal
from fhirrules.cql.operators.logical import and3, or3
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity


class _Infinity:
    __slots__ = ("sign",)

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def __repr__(self) -> str:
        return "+inf" if self.sign > 0 else "-inf"


NEG_INF = _Infinity(-1)
POS_INF = _Infinity(1)


class Point:
    """A closed boundary point: exact (``lo is hi``) or known only to lie in [lo, hi]."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Any, hi: Any = ...) -> None:
        self.lo = lo
        self.hi = lo if hi is ... else hi

    @property
    def exact(self) -> bool:
        return self.lo is self.hi

    def __repr__(self) -> str:
        return f"Point({self.lo!r})" if self.exact else f"Point({self.lo!r}..{self.hi!r})"


def _cmpv(x: Any, y: Any, precision: Optional[str]) -> Optional[int]:
    if isinstance(x, _Infinity) or isinstance(y, _Infinity):
        sx = x.sign if isinstance(x, _Infinity) else 0
        sy = y.sign if isinstance(y, _Infinity) else 0
        return (sx > sy) - (sx < sy)
    return compare(x, y, precision)


def cmp_points(p: Point, q: Point, precision: Optional[str] = None) -> Optional[int]:
    if p.exact and q.exact:
        return _cmpv(p.lo, q.lo, precision)
    c = _cmpv(p.hi, q.lo, precision)
    if c is not None and c < 0:
        return -1
    c = _cmpv(p.lo, q.hi, precision)
    if c is not None and c > 0:
        return 1
    return None


def _test(c: Optional[int], fn: Callable[[int], bool]) -> Optional[bool]:
    return None if c is None else fn(c)


def lt(p: Point, q: Point, precision: Optional[str] = None) -> Optional[bool]:
    return _test(cmp_points(p, q, precision), lambda c: c < 0)


def le(p: Point, q: Point, precision: Optional[str] = None) -> Optional[bool]:
    c = cmp_points(p, q, precision)
    if c is None and not (p.exact and q.exact):
        # a range whose top is <= q's bottom is <= q, even when touching
        c2 = _cmpv(p.hi, q.lo, precision)
        if c2 is not None and c2 <= 0:
            return True
    return _test(c, lambda c: c <= 0)


def points_equal(p: Point, q: Point, precision: Optional[str] = None) -> Optional[bool]:
    return _test(cmp_points(p, q, precision), lambda c: c == 0)


def points_equivalent(p: Point, q: Point) -> bool:
    if p.exact and q.exact:
        if isinstance(p.lo, _Infinity) or isinstance(q.lo, _Infinity):
            return p.lo is q.lo
        return equivalent(p.lo, q.lo)
    return (not p.exact and not q.exact and points_equivalent(Point(p.lo), Point(q.lo))
            and points_equivalent(Point(p.hi), Point(q.hi)))


def _succ(v: Any) -> Any:
    return v if isinstance(v, _Infinity) else ar.Successor(v)


def _pred(v: Any) -> Any:
    return v if isinstance(v, _Infinity) else ar.Predecessor(v)


def _succ_point(p: Point) -> Point:
    return Point(_succ(p.lo)) if p.exact else Point(_succ(p.lo), _succ(p.hi))


def _both_null(i: Interval) -> bool:
    return i.low is None and i.high is None


def start_point(i: Interval, unbounded: bool = False) -> Point:
    """``unbounded``: read a closed null low bound as minus infinity even when the high
    bound is null too (the containment operators do, per the suite)."""
    if i.low is not None:
        return Point(i.low if i.low_closed else ar.Successor(i.low))
    if i.low_closed and (i.high is not None or unbounded):
        return Point(NEG_INF)
    top = POS_INF if i.high is None else (i.high if i.high_closed else ar.Predecessor(i.high))
    return Point(NEG_INF, top)


def end_point(i: Interval, unbounded: bool = False) -> Point:
    if i.high is not None:
        return Point(i.high if i.high_closed else ar.Predecessor(i.high))
    if i.high_closed and (i.low is not None or unbounded):
        return Point(POS_INF)
    bottom = NEG_INF if i.low is None else (i.low if i.low_closed else ar.Successor(i.low))
    return Point(bottom, POS_INF)


def _as_point(x: Any, unbounded: bool = False) -> tuple[Point, Point]:
    """(start, end) of an interval, or of a point seen as a unit interval."""
    if isinstance(x, Interval):
        return start_point(x, unbounded), end_point(x, unbounded)
    p = Point(x)
    return p, p


# ------------------------------------------------------------------ accessors
def Start(i: Optional[Interval]) -> Any:
    if i is None:
        return None
    if i.low is not None:
        return i.low if i.low_closed else ar.Successor(i.low)
    return ar.minimum_like(i.high) if i.low_closed else None


def End(i: Optional[Interval]) -> Any:
    if i is None:
        return None
    if i.high is not None:
        return i.high if i.high_closed else ar.Predecessor(i.high)
    return ar.maximum_like(i.low) if i.high_closed else None


def Width(i: Optional[Interval]) -> Any:
    if i is None:
        return None
    s, e = Start(i), End(i)
    if is_temporal(s) or is_temporal(e):
        raise CqlRuntimeError("width is not defined for Date, DateTime or Time intervals")
    if s is None or e is None:
        return None
    return ar.Subtract(e, s)


def Size(i: Optional[Interval]) -> Any:
    """Width plus one step of the point type (the number of points, for integers)."""
    w = Width(i)
    if w is None:
        return None
    s = Start(i)
    return ar.Add(w, ar.Subtract(ar.Successor(s), s))


def PointFrom(i: Optional[Interval]) -> Any:
    if i is None or _both_null(i):
        return None
    s, e = Start(i), End(i)
    if s is None or e is None:
        return None
    c = compare(s, e)
    if c == 0:
        return s
    if c is None:
        return None
    raise CqlRuntimeError("point from requires a unit interval")


# ------------------------------------------------------------- membership
def Contains(i: Any, x: Any, precision: Optional[str] = None) -> Optional[bool]:
    if i is None:
        return False
    if x is None:
        return None
    if isinstance(x, Interval):
        return Includes(i, x, precision)
    if _both_null(i):
        # no bound known: the suite expects `5 in Interval[null, null]` to be false
        return False
    p = Point(x)
    return and3(le(start_point(i), p, precision), le(p, end_point(i), precision))


def In(x: Any, i: Any, precision: Optional[str] = None) -> Optional[bool]:
    return Contains(i, x, precision)


def ProperContains(i: Any, x: Any, precision: Optional[str] = None) -> Optional[bool]:
    if i is None:
        return False
    if x is None:
        return None
    if isinstance(x, Interval):
        return ProperIncludes(i, x, precision)
    p = Point(x)
    return and3(lt(start_point(i), p, precision), lt(p, end_point(i), precision))


def ProperIn(x: Any, i: Any, precision: Optional[str] = None) -> Optional[bool]:
    return ProperContains(i, x, precision)


def Includes(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    if not isinstance(b, Interval):
        return Contains(a, b, precision)
    # containment reads Interval[null, null] as unbounded (spec 04: a closed null
    # bound is the minimum/maximum of the point type), unlike overlaps/starts/union,
    # for which the suite expects an all-null interval to give null
    (sa, ea), (sb, eb) = _as_point(a, True), _as_point(b, True)
    return and3(le(sa, sb, precision), le(eb, ea, precision))


def IncludedIn(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    if not isinstance(a, Interval):
        return Contains(b, a, precision)
    return Includes(b, a, precision)


def ProperIncludes(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    if not isinstance(b, Interval):
        return ProperContains(a, b, precision)
    (sa, ea), (sb, eb) = _as_point(a, True), _as_point(b, True)
    return and3(Includes(a, b, precision), or3(lt(sa, sb, precision), lt(eb, ea, precision)))


def ProperIncludedIn(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    if not isinstance(a, Interval):
        return ProperContains(b, a, precision)
    return ProperIncludes(b, a, precision)


# ---------------------------------------------------------------- ordering
def Before(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return lt(_as_point(a)[1], _as_point(b)[0], precision)


def After(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return lt(_as_point(b)[1], _as_point(a)[0], precision)


def SameOrBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """``on or before``: for points, a <= b at the precision; for intervals, a ends on
    or before b starts."""
    if a is None or b is None:
        return None
    return le(_as_point(a)[1], _as_point(b)[0], precision)


def SameOrAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return le(_as_point(b)[1], _as_point(a)[0], precision)


def SameAs(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(points_equal(sa, sb, precision), points_equal(ea, eb, precision))


def MeetsBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return points_equal(_succ_point(_as_point(a)[1]), _as_point(b)[0], precision)


def MeetsAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return points_equal(_succ_point(_as_point(b)[1]), _as_point(a)[0], precision)


def Meets(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    return or3(MeetsBefore(a, b, precision), MeetsAfter(a, b, precision))


def Overlaps(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(le(sa, eb, precision), le(sb, ea, precision))


def OverlapsBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """a starts before b starts and ends on or after b starts."""
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(lt(sa, sb, precision), le(sb, ea, precision))


def OverlapsAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """a ends after b ends and starts on or before b ends."""
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(lt(eb, ea, precision), le(sa, eb, precision))


def Starts(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(points_equal(sa, sb, precision), le(ea, eb, precision))


def Ends(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = _as_point(a), _as_point(b)
    return and3(le(sb, sa, precision), points_equal(ea, eb, precision))


# ------------------------------------------------------------------ set algebra
def _low_of(i: Interval) -> tuple[Any, bool]:
    return i.low, i.low_closed


def _high_of(i: Interval) -> tuple[Any, bool]:
    return i.high, i.high_closed


def Union(a: Optional[Interval], b: Optional[Interval]) -> Optional[Interval]:
    if a is None or b is None:
        return None
    joined = or3(Overlaps(a, b), Meets(a, b))
    if not joined:
        return None
    return _hull(a, b)


def _hull(a: Interval, b: Interval) -> Interval:
    """The smallest interval covering both."""
    c = cmp_points(start_point(a), start_point(b))
    low = _low_of(a) if c is not None and c <= 0 else _low_of(b)
    c = cmp_points(end_point(a), end_point(b))
    high = _high_of(a) if c is not None and c >= 0 else _high_of(b)
    return Interval(low[0], high[0], low[1], high[1])


def Intersect(a: Optional[Interval], b: Optional[Interval]) -> Optional[Interval]:
    if a is None or b is None:
        return None
    if not Overlaps(a, b):
        return None
    c = cmp_points(start_point(a), start_point(b))
    low = (None, False) if c is None else (_low_of(a) if c >= 0 else _low_of(b))
    c = cmp_points(end_point(a), end_point(b))
    high = (None, False) if c is None else (_high_of(a) if c <= 0 else _high_of(b))
    return Interval(low[0], high[0], low[1], high[1])


def Except(a: Optional[Interval], b: Optional[Interval]) -> Optional[Interval]:
    """a minus b; null when the result is empty or would be two intervals."""
    if a is None or b is None:
        return None
    ov = Overlaps(a, b)
    if ov is None:
        return None
    if not ov:
        return a
    sa, ea, sb, eb = start_point(a), end_point(a), start_point(b), end_point(b)
    b_from_start = le(sb, sa)
    b_to_end = le(ea, eb)
    if b_from_start is None or b_to_end is None:
        return None
    if b_from_start and b_to_end:
        return None
    if not b_from_start and not b_to_end:
        return None
    if b_to_end:   # b covers the tail of a: keep [start a, before start b]
        return Interval(a.low, ar.Predecessor(sb.lo), a.low_closed, True)
    return Interval(ar.Successor(eb.lo), a.high, True, a.high_closed)


# -------------------------------------------------------------- collapse/expand
def Collapse(intervals: Optional[list], per: Any = None) -> Optional[list]:
    """Merge overlapping or meeting intervals into a sorted list of disjoint ones.

    ``per`` sets the granularity: two intervals also merge when the next one starts
    no later than ``per`` after the current one ends, compared at ``per``'s unit for
    dates and times.  This approximates the spec's partitions aligned on the first
    start (09-b, Collapse) without building them."""
    if intervals is None:
        return None
    items = [i for i in intervals if i is not None and not _both_null(i)]
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
                joined = _hull(cur, nxt)
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


OPERATORS: dict[str, Callable[..., Any]] = {
    "Start": Start, "End": End, "Width": Width, "Size": Size, "PointFrom": PointFrom,
    "Contains": Contains, "In": In, "ProperContains": ProperContains, "ProperIn": ProperIn,
    "Includes": Includes, "IncludedIn": IncludedIn, "ProperIncludes": ProperIncludes,
    "ProperIncludedIn": ProperIncludedIn, "Before": Before, "After": After,
    "SameOrBefore": SameOrBefore, "SameOrAfter": SameOrAfter, "SameAs": SameAs,
    "Meets": Meets, "MeetsBefore": MeetsBefore, "MeetsAfter": MeetsAfter,
    "Overlaps": Overlaps, "OverlapsBefore": OverlapsBefore, "OverlapsAfter": OverlapsAfter,
    "Starts": Starts, "Ends": Ends, "Union": Union, "Intersect": Intersect, "Except": Except,
    "Collapse": Collapse, "Expand": Expand,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
