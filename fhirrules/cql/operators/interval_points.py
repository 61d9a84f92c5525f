"""Closed boundary points of intervals, the machinery every interval operator uses.

An interval operator works on the *closed* start and end points of its intervals: an
open bound is moved inward with successor/predecessor, a closed null bound means "no
bound" (minus/plus infinity) and an open null bound means "unknown".  An unknown point
is kept as a range — the start of ``Interval(null, 5]`` lies somewhere in [-inf, 5] —
so questions the range already answers get a definite answer and the others get null.

An interval whose two bounds are both null carries no type and no information; the
reference suite treats it as unknown for most operators (``Interval[null, null]
overlaps Interval[1, 10]`` is null), so both its points are unknown ranges unless a
caller asks for ``unbounded`` reading (the containment operators do)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators.comparison import compare, equivalent
from fhirrules.cql.types.interval import Interval


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


def succ_point(p: Point) -> Point:
    return Point(_succ(p.lo)) if p.exact else Point(_succ(p.lo), _succ(p.hi))


def both_null(i: Interval) -> bool:
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


def as_points(x: Any, unbounded: bool = False) -> tuple[Point, Point]:
    """(start, end) of an interval, or of a point seen as a unit interval."""
    if isinstance(x, Interval):
        return start_point(x, unbounded), end_point(x, unbounded)
    p = Point(x)
    return p, p
