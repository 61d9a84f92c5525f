"""Interval operators, with open/closed and null bounds and precision."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import interval as iv
from fhirrules.cql.operators import interval_collapse as ic
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.temporal import Date, DateTime, Time
from .helpers import D, I, Q

NULLS = I(None, None)


def test_accessors() -> None:
    assert iv.Start(I(1, 10, False, True)) == 2
    assert iv.End(I(D("1.0"), D("10.0"), True, False)) == D("9.99999999")
    assert iv.Start(I(None, 5)) == -(2 ** 31)            # closed null: minimum of the type
    assert iv.Start(I(None, 5, False, True)) is None     # open null: unknown
    assert iv.Width(I(1, 10)) == 9 and iv.Size(I(1, 10)) == 10
    assert iv.Width(I(Q("5.0", "g"), Q("10.0", "g"))) == Q("5.0", "g")
    with pytest.raises(CqlRuntimeError):
        iv.Width(I(Date(2012, 1, 5), Date(2012, 1, 25)))
    assert iv.PointFrom(I(1, 1)) == 1 and iv.PointFrom(NULLS) is None
    with pytest.raises(CqlRuntimeError):
        iv.PointFrom(I(1, 2))


def test_membership() -> None:
    assert iv.Contains(I(1, 10), 5) is True and iv.Contains(I(1, 10), None) is None
    assert iv.Contains(None, 5) is False
    assert iv.Contains(I(None, 5), 10) is False
    assert iv.In(5, NULLS) is False
    assert iv.In(Date(2012, 1, 7), I(Date(2012, 1, 5), None)) is True
    assert iv.In(Q(1, "g"), I(Q("1.0", "g"), Q("10.0", "g"))) is True
    assert iv.In(Q(500, "mg"), I(Q("1.0", "g"), Q("10.0", "g"))) is False


def test_proper_membership_with_precision() -> None:
    span = I(Time(12, 0, 0, 0), Time(21, 59, 59, 999))
    assert iv.ProperContains(span, Time(12, 0, 0, 1)) is True
    assert iv.ProperContains(span, Time(12, 0, 0, 0)) is False
    later = I(Time(12, 0, 0, 1), Time(21, 59, 59, 999))
    assert iv.ProperContains(later, Time(12, 0, 0)) is None          # uncertain
    assert iv.ProperContains(later, Time(12, 0, 0), precision="second") is False


def test_includes() -> None:
    assert iv.Includes(I(1, 10), I(4, 10)) is True
    assert iv.Includes(I(1, 10), I(44, 50)) is False
    assert iv.Includes(I(1, 10), None) is None
    assert iv.ProperIncludes(I(1, 10), I(4, 10)) is True
    assert iv.ProperIncludes(I(1, 10), I(1, 10)) is False
    assert iv.ProperIncludes(I(None, None), I(1, 10)) is True
    assert iv.ProperIncludedIn(I(1, 10), I(None, None)) is True
    inner = I(DateTime(2017, 9, 1, 0, 0, 0), DateTime(2017, 9, 1, 0, 0, 0))
    outer = I(DateTime(2017, 9, 1, 0, 0, 0, 0), DateTime(2017, 12, 30, 23, 59, 59, 999))
    assert iv.IncludedIn(inner, outer) is None
    assert iv.IncludedIn(inner, outer, precision="day") is True


def test_before_after_meets() -> None:
    assert iv.Before(I(1, 10), I(11, 20)) is True and iv.After(I(11, 20), I(1, 10)) is True
    assert iv.Before(9, I(11, 20)) is True and iv.After(I(11, 20), 12) is False
    assert iv.Before(None, I(1, 10)) is None
    assert iv.Meets(I(1, 10), I(11, 20)) is True
    assert iv.Meets(I(D("3.01"), D("5.00000001")), I(D("5.00000002"), D("8.50"))) is True
    assert iv.MeetsBefore(I(D("8.01"), D("15.00000001")), I(D("15.00000000"), D("18.50"))) is False
    assert iv.Meets(I(None, 5, False, True), I(None, 15, False, False)) is None
    # the start of (null, 5] is unknown but at most 5: it cannot follow 11..
    assert iv.MeetsAfter(I(None, 5, False, True), I(11, None, True, False)) is False
    assert iv.Meets(I(Date(2012, 1, 7), Date(2012, 1, 14)), I(Date(2012, 1, 15), Date(2012, 1, 25))) is True


@pytest.mark.parametrize("a,b,overlaps", [
    (I(1, 10), I(4, 10), True), (I(10, 15), I(4, 10), True), (I(1, 10), I(11, 20), False),
    (I(4, 10, True, False), I(10, 20), False), (I(4, 11, True, False), I(9, 20, False, True), True),
    (I(4, 10, True, False), I(9, 20, False, True), False), (NULLS, I(1, 10), None),
])
def test_overlaps(a, b, overlaps) -> None:
    assert iv.Overlaps(a, b) is overlaps


def test_overlaps_before_after_starts_ends() -> None:
    assert iv.OverlapsBefore(I(1, 10), I(4, 10)) is True
    assert iv.OverlapsBefore(I(4, 10), I(4, 10, False, True)) is True
    assert iv.OverlapsBefore(I(4, 10), I(3, 10, False, True)) is False
    assert iv.OverlapsAfter(I(4, 11, True, False), I(4, 9)) is True
    assert iv.OverlapsAfter(I(4, 10), I(4, 11, True, False)) is False
    assert iv.Starts(I(4, 10), I(4, 15)) is True and iv.Starts(NULLS, I(1, 10)) is None
    assert iv.Ends(I(4, 10), I(1, 10)) is True and iv.Ends(I(44, 50), I(1, 10)) is False
    assert iv.Ends(I(1, 10), I(None, None, False, False)) is None


def test_timing_with_points_and_precision() -> None:
    assert iv.SameOrAfter(I(Date(2012, 12, 1), Date(2013, 12, 1)), Date(2012, 11, 15), "month") is True
    assert iv.SameOrAfter(D("2.5"), I(D("1.666"), D("2.50000001"))) is False
    assert iv.SameOrBefore(Q("1.666", "mg"), I(Q("1.666", "mg"), Q("2.5", "mg"))) is True
    assert iv.SameAs(I(1, 5), I(1, 5)) is True


def test_union_intersect_except() -> None:
    assert iv.Union(I(1, 10), I(4, 15)) == I(1, 15)
    assert iv.Union(I(1, 10), I(44, 50)) is None
    assert iv.Union(I(1, 10), I(11, 15)) == I(1, 15)                # meeting intervals join
    assert iv.Union(NULLS, I(1, 10)) is None
    assert iv.Intersect(I(1, 10), I(4, 10)) == I(4, 10)
    assert iv.Intersect(I(1, 10), I(11, 20)) is None
    assert iv.Intersect(I(1, 10), I(5, None, True, False)) == I(5, None, True, False)
    assert iv.Except(I(1, 10), I(4, 10)) == I(1, 3)
    assert iv.Except(I(1, 10), I(3, 7)) is None                    # would split
    assert iv.Except(I(D("1.0"), D("10.0")), I(D("4.0"), D("10.0"))) == I(D("1.0"), D("3.99999999"))
    assert iv.Except(I(1, 4), I(3, 6)) == I(1, 2)
    assert iv.Except(I(1, 4), I(6, 8)) == I(1, 4)
    assert iv.Except(NULLS, NULLS) is None


def test_collapse() -> None:
    assert ic.Collapse([I(1, 5), I(3, 7), I(12, 19), I(7, 10)]) == [I(1, 10), I(12, 19)]
    assert ic.Collapse([I(4, 6), I(7, 8)]) == [I(4, 8)]
    assert ic.Collapse([I(D("4.0"), D("6.0")), I(D("6.00000001"), D("8.0"))]) == [I(D("4.0"), D("8.0"))]
    assert ic.Collapse([I(None, None, False, False)]) == []
    assert ic.Collapse(None) is None
    assert ic.Collapse([I(1, 2), I(5, 6)], Quantity(3, "1")) == [I(1, 6)]
    days = ic.Collapse([I(Date(2012, 1, 1), Date(2012, 1, 15)), I(Date(2012, 1, 16), Date(2012, 5, 25))])
    assert [(a.low.cql_str(), a.high.cql_str()) for a in days] == [("@2012-01-01", "@2012-05-25")]


def test_expand_numbers() -> None:
    assert ic.Expand([I(1, 10)], 2) == [I(1, 2), I(3, 4), I(5, 6), I(7, 8), I(9, 10)]
    assert ic.Expand(I(1, 10, True, False), 2) == [1, 3, 5, 7]
    assert ic.Expand(I(10, 10), D("0.1")) == [D("10.0") + D("0.1") * k for k in range(10)]
    assert ic.Expand(I(D("10.0"), D("12.5")), 1) == [10, 11, 12]
    assert ic.Expand(None) is None and ic.Expand([None]) == []


def test_expand_dates_and_times() -> None:
    got = ic.Expand([I(Date(2018, 1, 1), Date(2018, 1, 4))], Quantity(2, "day"))
    assert [(a.low.cql_str(), a.high.cql_str()) for a in got] == [
        ("@2018-01-01", "@2018-01-02"), ("@2018-01-03", "@2018-01-04")]
    hours = ic.Expand(I(Time(10, 0), Time(12, 30)), precision="hour")
    assert [t.cql_str() for t in hours] == ["@T10", "@T11", "@T12"]
    assert ic.Expand(I(Time(10), Time(10)), Quantity(1, "minute")) == []


def test_collapse_per_month_merges_within_the_unit() -> None:
    jan = I(Date(2012, 1, 1), Date(2012, 1, 15))
    feb = I(Date(2012, 2, 20), Date(2012, 2, 25))
    assert len(ic.Collapse([jan, feb])) == 2
    merged = ic.Collapse([jan, feb], Quantity(1, "month"))
    assert [(a.low.cql_str(), a.high.cql_str()) for a in merged] == [("@2012-01-01", "@2012-02-25")]
