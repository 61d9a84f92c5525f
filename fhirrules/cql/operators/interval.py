"""Interval operators (spec 09-b "Interval Operators", exact semantics from 04):
accessors, membership, timing relations and set algebra.  ``collapse`` and ``expand``
are in ``interval_collapse``; the boundary-point machinery is in ``interval_points``.

Arguments that are points rather than intervals are accepted where the spec gives a
point overload (``5 in Interval[1, 10]``, ``Interval[1, 10] before 11``)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators import numeric_functions as nf
from fhirrules.cql.operators.comparison import compare, is_temporal
from fhirrules.cql.operators.interval_points import (NEG_INF, POS_INF, Point, as_points, both_null,
                                                     cmp_points, end_point, le, lt, points_equal,
                                                     points_equivalent, start_point, succ_point)
from fhirrules.cql.operators.logical import and3, or3
from fhirrules.cql.types.interval import Interval

__all__ = ["NEG_INF", "POS_INF", "Point", "cmp_points", "end_point", "points_equal",
           "points_equivalent", "start_point"]


# ------------------------------------------------------------------ accessors
def Start(i: Optional[Interval]) -> Any:
    if i is None:
        return None
    if i.low is not None:
        return i.low if i.low_closed else ar.Successor(i.low)
    return nf.minimum_like(i.high) if i.low_closed else None


def End(i: Optional[Interval]) -> Any:
    if i is None:
        return None
    if i.high is not None:
        return i.high if i.high_closed else ar.Predecessor(i.high)
    return nf.maximum_like(i.low) if i.high_closed else None


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
    if i is None or both_null(i):
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
    if both_null(i):
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
    (sa, ea), (sb, eb) = as_points(a, True), as_points(b, True)
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
    (sa, ea), (sb, eb) = as_points(a, True), as_points(b, True)
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
    return lt(as_points(a)[1], as_points(b)[0], precision)


def After(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return lt(as_points(b)[1], as_points(a)[0], precision)


def SameOrBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """``on or before``: for points, a <= b at the precision; for intervals, a ends on
    or before b starts."""
    if a is None or b is None:
        return None
    return le(as_points(a)[1], as_points(b)[0], precision)


def SameOrAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return le(as_points(b)[1], as_points(a)[0], precision)


def SameAs(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
    return and3(points_equal(sa, sb, precision), points_equal(ea, eb, precision))


def MeetsBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return points_equal(succ_point(as_points(a)[1]), as_points(b)[0], precision)


def MeetsAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    return points_equal(succ_point(as_points(b)[1]), as_points(a)[0], precision)


def Meets(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    return or3(MeetsBefore(a, b, precision), MeetsAfter(a, b, precision))


def Overlaps(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
    return and3(le(sa, eb, precision), le(sb, ea, precision))


def OverlapsBefore(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """a starts before b starts and ends on or after b starts."""
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
    return and3(lt(sa, sb, precision), le(sb, ea, precision))


def OverlapsAfter(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    """a ends after b ends and starts on or before b ends."""
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
    return and3(lt(eb, ea, precision), le(sa, eb, precision))


def Starts(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
    return and3(points_equal(sa, sb, precision), le(ea, eb, precision))


def Ends(a: Any, b: Any, precision: Optional[str] = None) -> Optional[bool]:
    if a is None or b is None:
        return None
    (sa, ea), (sb, eb) = as_points(a), as_points(b)
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
    return hull(a, b)


def hull(a: Interval, b: Interval) -> Interval:
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


OPERATORS: dict[str, Callable[..., Any]] = {
    "Start": Start, "End": End, "Width": Width, "Size": Size, "PointFrom": PointFrom,
    "Contains": Contains, "In": In, "ProperContains": ProperContains, "ProperIn": ProperIn,
    "Includes": Includes, "IncludedIn": IncludedIn, "ProperIncludes": ProperIncludes,
    "ProperIncludedIn": ProperIncludedIn, "Before": Before, "After": After,
    "SameOrBefore": SameOrBefore, "SameOrAfter": SameOrAfter, "SameAs": SameAs,
    "Meets": Meets, "MeetsBefore": MeetsBefore, "MeetsAfter": MeetsAfter,
    "Overlaps": Overlaps, "OverlapsBefore": OverlapsBefore, "OverlapsAfter": OverlapsAfter,
    "Starts": Starts, "Ends": Ends, "Union": Union, "Intersect": Intersect, "Except": Except,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
