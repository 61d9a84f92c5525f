"""Aggregate functions and their null handling."""
from __future__ import annotations

from fhirrules.cql.operators import aggregate as ag
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.temporal import DateTime, Time
from .helpers import D, Q

ONE_TO_FIVE = [D("1.0"), D("2.0"), D("3.0"), D("4.0"), D("5.0")]


def test_count_sum_product() -> None:
    assert ag.Count([15, 5, 99, None, 1]) == 4 and ag.Count(None) == 0 and ag.Count([]) == 0
    assert ag.Sum([None, 1, None]) == 1 and ag.Sum([]) is None and ag.Sum([None]) is None
    assert ag.Sum([Long(6), Long(2)]) == Long(8) and type(ag.Sum([Long(6), Long(2)])) is Long
    assert ag.Sum([Q(i, "ml") for i in range(1, 6)]) == Q(15, "ml")
    assert ag.Sum([Q(1, "L"), Q(500, "mL")]) == Q("1.5", "L")
    assert ag.Product([Long(5), Long(4), Long(5)]) == Long(100)


def test_min_max() -> None:
    assert ag.Min([5, 12, 1, 15, 0, 4]) == 0 and ag.Max(["hi", "bye", "zebra"]) == "zebra"
    assert ag.Max([DateTime(2012, 10, 5), DateTime(2012, 9, 5), DateTime(2012, 10, 6)]).cql_str() == "@2012-10-06T"
    assert ag.Min([Time(15, 59, 59, 999), Time(5, 59, 59, 999)]).cql_str() == "@T05:59:59.999"
    assert ag.Min([]) is None and ag.Max([None]) is None


def test_central_tendency() -> None:
    assert ag.Avg([D("1.0"), D("2.0"), D("3.0"), D("6.0")]) == D("3.0")
    assert ag.Median([D("6.0"), D("5.0"), D("4.0"), D("3.0"), D("2.0"), D("1.0")]) == D("3.5")
    assert ag.Median([3, 1, 2]) == 2
    assert ag.Mode([2, 1, 8, 2, 9, 1, 9, 9]) == 9
    dates = [DateTime(2012, 10, 5), DateTime(2012, 9, 5), DateTime(2012, 10, 6), DateTime(2012, 9, 5)]
    assert ag.Mode(dates).cql_str() == "@2012-09-05T"


def test_spread() -> None:
    assert ag.Variance(ONE_TO_FIVE) == D("2.5")
    assert ag.PopulationVariance(ONE_TO_FIVE) == D("2.0")
    assert ag.StdDev(ONE_TO_FIVE) == D("1.58113883")
    assert ag.PopulationStdDev(ONE_TO_FIVE) == D("1.41421356")
    assert ag.StdDev([None, None]) is None and ag.Variance([D("1")]) is None
    assert ag.StdDev([Q(1, "g"), Q(3, "g")]) == Q("1.41421356", "g")


def test_geometric_mean() -> None:
    assert ag.GeometricMean([D("2"), D("8")]) == D("4")
    assert ag.GeometricMean([]) is None


def test_all_any_true() -> None:
    assert ag.AllTrue([None, True, True]) is True and ag.AllTrue([]) is True and ag.AllTrue(None) is True
    assert ag.AllTrue([True, False]) is False
    assert ag.AnyTrue([None, False]) is False and ag.AnyTrue(None) is False and ag.AnyTrue([None, True]) is True
