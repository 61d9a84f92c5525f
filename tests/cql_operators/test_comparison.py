"""equal / equivalent / compare over every runtime value type."""
from __future__ import annotations

import pytest

from fhirrules.cql.operators.comparison import (Equal, Equivalent, Greater, GreaterOrEqual, Less,
                                                LessOrEqual, NotEqual, compare, equal, equivalent)
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.temporal import Date, DateTime, Time
from fhirrules.cql.types.tuple import CqlTuple
from .helpers import D, I, Q


def test_nulls() -> None:
    assert equal(None, None) is None and equal(True, None) is None
    assert equivalent(None, None) is True and equivalent(True, None) is False
    assert compare(None, 1) is None


def test_numbers_mix_integer_long_decimal() -> None:
    assert equal(1, D("1.0")) is True
    assert equal(D("1.0"), D("1.00")) is True
    assert equal(D("1.50"), D("1.55")) is False
    assert equal(Long(1), Long(2)) is False
    assert compare(D("1.0"), 2) == -1
    assert Less(Long(-30), Long(-20)) is True


def test_booleans_are_not_integers() -> None:
    assert equal(True, 1) is False
    assert equivalent([1, 2], [True, 2]) is False


def test_decimal_equivalence_rounds_to_least_precise() -> None:
    assert equivalent(D("1.001"), D("1.000")) is True      # 1.000 has precision 0
    assert equivalent(D("1.5"), D("1.55")) is False
    assert equivalent(D("1.50"), D("1.55")) is False
    assert equivalent(D("1.0"), 1) is True


def test_strings() -> None:
    assert equal("a", "a") is True and equal("a", "b") is False
    assert equivalent("Abel", "abel") is True
    assert equivalent("a\tb", "A b") is True
    assert compare("a", "aa") == -1 and compare("Jack", "Jill") == -1
    assert compare("Wolf", "aardvark") == -1   # ordinal, upper case first


def test_quantities_convert_units() -> None:
    assert equal(Q(1, "cm"), Q("0.01", "m")) is True
    assert equal(Q(1, "m"), Q(100, "cm")) is True
    assert equal(Q("2.0", "cm"), Q("2.00", "cm")) is True
    assert Greater(Q(1, "m"), Q(10, "cm")) is True
    assert equal(Q(1, "mg/dL"), Q(1, "umol/L")) is None      # not comparable
    assert equivalent(Q(1, "mg/dL"), Q(1, "umol/L")) is False


@pytest.mark.parametrize("a,b,eq,equiv", [
    (Q(1, "millisecond"), Q(1, "ms"), True, True),
    (Q(1, "week"), Q(7, "day"), True, True),
    (Q(1, "day"), Q(24, "hour"), True, True),
    (Q(1, "minute"), Q(60, "second"), True, True),
    (Q(1, "month"), Q(1, "mo"), None, True),
    (Q(1, "year"), Q(1, "a"), None, True),
    (Q(1, "year"), Q(12, "month"), True, True),
    (Q(1, "year"), Q(365, "day"), None, True),
    (Q(1, "month"), Q(30, "day"), None, True),
])
def test_calendar_duration_rules(a, b, eq, equiv) -> None:
    assert equal(a, b) is eq
    assert equivalent(a, b) is equiv


def test_ratios() -> None:
    half = Ratio(Q(1, "cm"), Q(2, "cm"))
    assert equal(half, Ratio(Q(1, "cm"), Q(2, "cm"))) is True
    assert equal(half, Ratio(Q("1.1", "cm"), Q(2, "cm"))) is False
    assert equivalent(half, Ratio(Q(2, "cm"), Q(4, "cm"))) is True
    assert equivalent(half, Ratio(Q(1, "cm"), Q(3, "cm"))) is False


def _t(**kw) -> CqlTuple:
    return CqlTuple(kw)


@pytest.mark.parametrize("a,b,expected", [
    (_t(Id=1, Name="John"), _t(Id=1, Name="John"), True),
    (_t(Id=1, Name="John"), _t(Id=2, Name=None), False),
    (_t(Id=None, Name="John"), _t(Id=1, Name="James"), None),
    (_t(Id=1, Name=None), _t(Id=1, Name=None), True),
    (_t(Id=1, Name="John"), _t(Id=1, Name=None), None),
])
def test_tuple_equality_element_by_element(a, b, expected) -> None:
    assert equal(a, b) is expected
    assert NotEqual(a, b) is (None if expected is None else not expected)


def test_tuple_equivalence() -> None:
    assert equivalent(_t(Id=1, Name="John", P=None), _t(Id=1, Name="john", P=None)) is True
    assert equivalent(_t(Id=1), _t(Id=1, Name="x")) is False


def test_lists() -> None:
    assert equal([None], [None]) is True
    assert equal([], None) is None
    assert equal([1, 2, 3], ["1", "2", "3"]) is False
    assert equal([1, 2], [1, 2, 3]) is False
    assert equivalent([1, None], [1, None]) is True
    assert equivalent([1], [1, None]) is False


def test_intervals() -> None:
    assert equal(I(1, 10), I(1, 10)) is True
    assert equal(I(1, 5, True, False), I(1, 4)) is True      # closed/open normalised
    assert equal(I(1, 10), I(None, None, False, False)) is None
    assert equivalent(I(D("1.0"), D("10.0")), I(D("1.0"), D("10.0"))) is True
    assert equivalent(I(44, 50), I(1, 10)) is False


def test_codes_and_concepts() -> None:
    a = Code("8480-6", "http://loinc.org", display="Systolic")
    b = Code("8480-6", "http://loinc.org", display="other display")
    assert equivalent(a, b) is True
    assert equal(a, b) is False                    # display differs
    assert equivalent(Concept([Code("x", "s"), a]), Concept([b])) is True
    assert equivalent(a, Concept([b])) is True
    assert equivalent(Code("8480-6", "other"), a) is False


def test_temporals_use_their_protocol() -> None:
    assert equal(DateTime(2012, 2, 12), DateTime(2012, 2, 12)) is True
    assert Greater(DateTime(2014), DateTime(2014, 2, 15)) is None      # uncertain
    assert Greater(DateTime(2015), DateTime(2014, 2, 15)) is True
    assert LessOrEqual(Time(10, 0, 0, 1), Time(10, 0, 0, 2)) is True
    assert compare(Date(2012, 1, 1), Date(2012, 1, 2), "month") == 0


def test_uncertainty_interval_against_a_number() -> None:
    # `months between DateTime(2005) and DateTime(2006, 7)` is an uncertainty range
    assert Greater(I(6, 18), 5) is True
    assert Less(I(6, 18), 24) is True
    assert Greater(I(6, 18), 25) is False
    assert Greater(I(6, 18), 10) is None


def test_elm_wrappers() -> None:
    assert Equal(1, 1) is True and NotEqual(1, 2) is True
    assert Equivalent(None, None) is True
    assert GreaterOrEqual(0, 0) is True


def test_quantity_equivalence_uses_the_coarser_unit() -> None:
    assert equivalent(Q(4, "g"), Q(4040, "mg")) is True
    assert equivalent(Q(4040, "mg"), Q(4, "g")) is True
    assert equivalent(Q("4.2", "g"), Q(4100, "mg")) is False
    assert equivalent(Q(4, "g"), Q(5000, "mg")) is False


def test_temperatures() -> None:
    assert equal(Q(37, "Cel"), Q("98.6", "[degF]")) is True
    assert equal(Q("98.6", "[degF]"), Q(37, "Cel")) is True
    assert Greater(Q(38, "Cel"), Q("98.6", "[degF]")) is True
