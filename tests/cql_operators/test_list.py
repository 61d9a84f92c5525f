"""List operators: membership with nulls, set algebra, slicing, sorting."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import list as lo
from fhirrules.cql.types.temporal import DateTime, Time
from fhirrules.cql.types.tuple import CqlTuple
from .helpers import D


def test_exists_first_last_length() -> None:
    assert lo.Exists([None]) is False and lo.Exists(None) is False and lo.Exists([1]) is True
    assert lo.First([None, 1]) is None and lo.First([]) is None
    assert lo.Last([None, 1]) == 1
    assert lo.Length(None) == 0 and lo.Length([None, 1]) == 2


def test_distinct_and_flatten() -> None:
    assert lo.Distinct([None, None, None]) == [None]
    assert lo.Distinct(["a", None, "a", None]) == ["a", None]
    assert lo.Distinct([1, D("1.0"), 2]) == [1, 2]
    assert lo.Distinct([True, 1]) == [True, 1]
    days = lo.Distinct([DateTime(2012, 10, 5), DateTime(2012, 1, 1), DateTime(2012, 1, 1)])
    assert len(days) == 2
    assert lo.Flatten([[1, 2], [3, 4]]) == [1, 2, 3, 4] and lo.Flatten([[None], [None]]) == [None, None]


def test_membership_with_nulls() -> None:
    assert lo.Contains(["a", "b", None], None) is True
    assert lo.Contains([None, "b", "c"], "a") is False
    assert lo.Contains(None, "a") is False
    assert lo.In(None, []) is False
    times = [Time(15, 59, 59, 999), Time(20, 59, 59, 999)]
    assert lo.In(Time(15, 59, 59), times) is None                  # uncertain precision


@pytest.mark.parametrize("items,x,expected", [
    (None, "a", False), ([], "a", False), (["a"], "a", False), ([None], None, False),
    (["s", "u", "n"], None, False), ([None, None], None, False), (["s", "u", "n", None], None, True),
    (["a", "b"], "a", True), (["a", "a"], "a", False), (["a", "b"], "c", False),
    (["a", None], "a", None), (["a", "b", None], "a", True),
])
def test_proper_contains(items, x, expected) -> None:
    assert lo.ProperContains(items, x) is expected
    assert lo.ProperIn(x, items) is expected


def test_includes_family() -> None:
    assert lo.Includes([], []) is True and lo.Includes([None], [None]) is True
    assert lo.Includes([1, 2, 3], [2]) is True and lo.Includes([1, 2, 3], [4]) is False
    assert lo.Includes(None, [2]) is None and lo.Includes(["s"], None) is None
    assert lo.IncludedIn([2], [1, 2, 3]) is True and lo.IncludedIn(None, [2]) is None
    assert lo.ProperIncludes([], []) is False and lo.ProperIncludes([None], [None]) is False
    assert lo.ProperIncludes([1, 2, 3], []) is True and lo.ProperIncludes([1, 2, 3], [1, 2, 3]) is False
    assert lo.ProperIncludes(None, [2]) is None
    assert lo.ProperIncludedIn([2], [1, 2, 3]) is True and lo.ProperIncludedIn(["s"], None) is None


def test_set_algebra() -> None:
    assert lo.Union([1, 2, 3], [2]) == [1, 2, 3] and lo.Union([None], [None]) == [None]
    assert lo.Union([1], None) == [1]
    assert lo.Intersect([1, 2, 3, 4], [2, 3]) == [2, 3] and lo.Intersect([], []) == []
    assert lo.Except([1, 2, 3, 4], [2, 3]) == [1, 4] and lo.Except([1, 4], None) == [1, 4]
    assert lo.Except([2, 3], [1, 2, 3, 4]) == []


def test_indexing_and_slicing() -> None:
    assert lo.Indexer([1, 2], 1) == 2 and lo.Indexer([1, 2], 2) is None and lo.Indexer([1, 2], -1) is None
    assert lo.IndexOf([1, 2], 3) == -1 and lo.IndexOf([1, None], None) is None and lo.IndexOf(None, 1) is None
    assert lo.Skip([1, 2, 3, 4, 5], 2) == [3, 4, 5] and lo.Skip(None, 1) is None
    assert lo.Take([1, 2, 3], None) == [] and lo.Take([1, 2, 3, 4], 2) == [1, 2]
    assert lo.Tail([1]) == [] and lo.Tail(None) is None
    assert lo.Slice([1, 2, 3, 4, 5], 1, -1) == [2, 3, 4] and lo.Slice([1, 2, 3, 4, 5], -2) == [4, 5]
    assert lo.Slice([1, 2, 3, 4, 5], 1, None) == [2, 3, 4, 5] and lo.Slice(None) is None


def test_singleton_from() -> None:
    assert lo.SingletonFrom([]) is None and lo.SingletonFrom([1]) == 1
    with pytest.raises(CqlRuntimeError):
        lo.SingletonFrom([1, 2])


def test_sorting() -> None:
    words = ["back", "aardvark", "alligator", "zebra", "iguana", "Wolf", "Armadillo"]
    assert lo.sort_list(words) == ["Armadillo", "Wolf", "aardvark", "alligator", "back", "iguana", "zebra"]
    assert lo.sort_list([4, None, 1], descending=True) == [4, 1, None]
    people = [CqlTuple(name="b", age=3), CqlTuple(name="a", age=5)]
    assert [p["name"] for p in lo.sort_list(people, key=lambda t: t["age"], descending=True)] == ["a", "b"]
    dates = [DateTime(2012, 10, 5, 10), DateTime(2012, 1, 1), DateTime(2012, 1, 1, 12), DateTime(2012, 10, 5)]
    assert [d.cql_str() for d in lo.sort_list(dates)] == [
        "@2012-01-01T", "@2012-01-01T12", "@2012-10-05T", "@2012-10-05T10"]


def test_times() -> None:
    got = lo.Times([CqlTuple(A=1), CqlTuple(A=2)], [CqlTuple(B=5)])
    assert got == [CqlTuple(A=1, B=5), CqlTuple(A=2, B=5)]
