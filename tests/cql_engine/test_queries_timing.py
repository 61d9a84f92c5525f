"""Queries (sources, let, with/without, where, return, sort, aggregate) and timing
phrases rewritten into interval/date-time operators."""
from __future__ import annotations

import pytest

from engine_fakes import evaluate
from fhirrules.cql.types.tuple import CqlTuple

PEOPLE = "{ Tuple { name: 'b', age: 30 }, Tuple { name: 'a', age: null }, Tuple { name: 'c', age: 20 } }"


def test_where_return_and_distinct() -> None:
    assert evaluate("({1, 2, 2, 3}) X where X > 1 return X * 10") == [20, 30]
    assert evaluate("({1, 2, 2, 3}) X where X > 1 return all X * 10") == [20, 20, 30]
    assert evaluate("({1, 2, 2, 3}) X") == [1, 2, 2, 3]          # no return clause: no distinct


def test_single_value_source_gives_single_value() -> None:
    assert evaluate("(4) X return X + 1") == 5
    assert evaluate("(4) X where X > 10") is None


def test_multi_source_let_with_without() -> None:
    got = evaluate("from ({1, 2}) A, ({10, 20}) B let S: A + B where S > 12 return S")
    assert got == [21, 22]
    assert evaluate("({1, 2, 3}) A with ({2, 3}) B such that A = B return A") == [2, 3]
    assert evaluate("({1, 2, 3}) A without ({2, 3}) B such that A = B") == [1]
    pairs = evaluate("from ({1}) A, ({2}) B")
    assert pairs == [CqlTuple({"A": 1, "B": 2})]


def test_sort_by_element_property_nulls_first() -> None:
    got = evaluate(f"({PEOPLE}) P sort by age")
    assert [p["name"] for p in got] == ["a", "c", "b"]
    got = evaluate(f"({PEOPLE}) P sort by age desc")
    assert [p["name"] for p in got] == ["b", "c", "a"]
    assert evaluate(f"({PEOPLE}) P return P.name sort desc") == ["c", "b", "a"]


def test_aggregate() -> None:
    assert evaluate("({1, 2, 3}) X aggregate A starting 0: A + X") == 6
    assert evaluate("({1, 2, 2}) X aggregate distinct A starting 0: A + X") == 3


def test_nested_queries_and_recursion_keep_their_aliases() -> None:
    got = evaluate("({1, 2}) X return (({10, 20}) X2 return X2 + X)")
    assert got == [[11, 21], [12, 22]]


@pytest.mark.parametrize("expr, expected", [
    ("@2020-07-01T09:30:00.0 1 hour or less on or before @2020-07-01T10:30:00.0", True),
    ("@2020-07-01T09:29:59.999 1 hour or less on or before @2020-07-01T10:30:00.0", False),
    ("@2020-07-01T08:30:00.0 1 hour or more before @2020-07-01T10:30:00.0", True),
    ("@2020-07-01T09:30:00.0 1 hour before @2020-07-01T10:30:00.0", True),
    ("@2020-07-01T08:30:00.0 1 hour before @2020-07-01T10:30:00.0", False),
    ("@2020-07-12T10:00:00.0 1 day after day of @2020-07-11T10:00:00.0", True),
    ("@2020-07-13T00:00:00.0 1 day after day of @2020-07-11T10:00:00.0", False),
    ("@2019-09-23 42 weeks or less before @2020-07-13", True),
    ("@2019-09-23T09:00:00.0 42 weeks or less before @2020-07-13T10:00:00.0", False),
    ("@2019-09-23T09:00:00.0 42 weeks or less before day of @2020-07-13T10:00:00.0", True),
    ("@2019-09-22T11:00:00.0 42 weeks or less before day of @2020-07-13T10:00:00.0", False),
    ("@2020-07-01T09:29:59.999 1 hour or less on or before hour of @2020-07-01T10:30:00.0", True),
    ("@2020-07-11T23:59:59.999 1 day after day of @2020-07-11T10:00:00.0", False),
    ("Interval[@2020-01-01, @2020-01-05] starts 3 days or less before start Interval[@2020-01-03, @2020-01-10]", True),
    ("Interval[@2020-01-01, @2020-01-05] starts 1 day or less before start Interval[@2020-01-03, @2020-01-10]", False),
    ("@2020-01-01 within 3 days of @2020-01-04", True),
    ("@2020-01-01 within 2 days of @2020-01-04", False),
    ("@2020-01-01 properly within 3 days of @2020-01-04", False),
    ("Interval[@2020-01-02, @2020-01-03] within 1 day of Interval[@2020-01-03, @2020-01-04]", True),
    ("Interval[@2020-01-02, @2020-01-03] starts during Interval[@2020-01-01, @2020-01-04]", True),
    ("Interval[@2020-01-01, @2020-01-10] includes start Interval[@2020-01-03, @2020-01-20]", True),
    ("Interval[@2020-01-01, @2020-01-03] ends less than 2 days before start Interval[@2020-01-04, @2020-01-20]", True),
])
def test_timing_phrases(expr: str, expected: bool) -> None:
    assert evaluate(expr) is expected


def test_sort_by_prefers_element_properties_and_may_use_the_alias() -> None:
    from fhirrules.cql.context import EvaluationContext
    from fhirrules.cql.engine import CqlEngine
    lib = CqlEngine().compile(f"library T\ndefine age: 'not this'\n"
                              f"define A: ({PEOPLE}) P sort by age\n"
                              f"define B: ({PEOPLE}) P sort by P.name desc\n")
    got = lib.evaluate(EvaluationContext())
    assert [p["name"] for p in got["A"]] == ["a", "c", "b"]
    assert [p["name"] for p in got["B"]] == ["c", "b", "a"]


@pytest.mark.parametrize("expr, expected", [
    ("Interval[1, 10] properly includes start Interval[1, 5]", False),
    ("Interval[1, 10] properly includes start Interval[2, 5]", True),
    ("Interval[1, 10] includes start Interval[1, 5]", True),
])
def test_properly_includes_a_boundary_point(expr: str, expected: bool) -> None:
    assert evaluate(expr) is expected


def test_return_distinct_of_temporals_and_tuples() -> None:
    got = evaluate("({@2020-01-01T10:00:00.000Z, @2020-01-01T10:00:00.000Z, @2020-01-01T10:00}) X return X")
    assert [d.cql_str() for d in got] == ["@2020-01-01T10:00:00.000Z", "@2020-01-01T10:00"]
    got = evaluate("({1, 1, 2}) X return Tuple { d: @2020-01-01, n: X }")
    assert [t["n"] for t in got] == [1, 2]
    assert len(evaluate("({5 'mg', 5 'mg', 6 'mg'}) X return X")) == 2
