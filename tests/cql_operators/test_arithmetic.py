"""Arithmetic: promotion, overflow to null, Decimal scale, Quantity unit algebra."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import arithmetic as ar
from fhirrules.cql.operators import numeric_functions as nf
from fhirrules.cql.types.primitives import INTEGER_MAX, INTEGER_MIN, LONG_MAX, Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.temporal import Date, DateTime, Time
from .helpers import D, I, Q


def test_promotion_and_types() -> None:
    assert type(ar.Add(1, 1)) is int
    assert ar.Add(Long(1), Long(2)) == 3 and type(ar.Add(Long(1), Long(2))) is Long
    assert type(ar.Multiply(1, Long(1))) is Long
    assert ar.Add(1, D("2.0")) == D("3.0") and isinstance(ar.Add(1, D("2.0")), Decimal)
    assert ar.Subtract(2, D("1.1")) == D("0.9")


def test_nulls_propagate() -> None:
    for op in (ar.Add, ar.Subtract, ar.Multiply, ar.Divide, ar.Modulo, ar.TruncatedDivide, ar.Power):
        assert op(1, None) is None and op(None, 1) is None


def test_overflow_is_null() -> None:
    assert ar.Add(INTEGER_MAX, 1) is None
    assert ar.Negate(INTEGER_MIN) is None
    assert ar.Abs(INTEGER_MIN) is None
    assert ar.Multiply(Long(LONG_MAX), Long(2)) is None
    assert ar.Power(2, 31) is None
    assert ar.Power(2, 30) == 2 ** 30


def test_division() -> None:
    assert ar.Divide(1, 0) is None
    assert ar.Divide(10, 5) == D("2.0")
    assert nf.Round(ar.Divide(10, 3), 8) == D("3.33333333")
    assert ar.Divide(10, 3) == D("3.33333333")          # results keep 8 places
    assert ar.TruncatedDivide(-10, 3) == -3 and ar.TruncatedDivide(10, -3) == -3
    assert ar.TruncatedDivide(D("10.1"), D("-3.1")) == D("-3")
    assert ar.TruncatedDivide(Long(10), Long(0)) is None
    assert ar.Modulo(10, 3) == 1 and ar.Modulo(-10, 3) == -1
    assert ar.Modulo(D("3.5"), 3) == D("0.5")
    assert ar.Modulo(0, 0) is None


def test_quantity_arithmetic_and_units() -> None:
    assert ar.Add(Q(1, "g/cm3"), Q(1, "g/cm3")) == Q("2", "g/cm3")
    assert ar.Add(Q(1, "m"), Q(1, "cm")) == Q("1.01", "m")
    assert ar.Add(Q(1, "g"), Q(1, "m")) is None                  # incompatible units
    assert ar.Subtract(Q("1.0", "cm"), Q("2.0", "cm")) == Q("-1.0", "cm")
    assert ar.Multiply(Q("1.0", "cm"), Q("2.0", "cm")) == Q("2.00", "cm2")
    assert ar.Multiply(Q(2, "g"), Q(3, "g")).unit == "g2"
    assert ar.Divide(Q(1, "g/cm3"), Q(1, "g/cm3")).unit == "1"
    assert ar.Divide(Q("10.0", "g"), 5) == Q("2", "g")
    assert ar.Divide(Q(1, "m"), Q(50, "cm")) == Q("2", "1")
    assert ar.Modulo(Q("10.0", "g"), Q("3.0", "g")) == Q("1.0", "g")
    assert ar.TruncatedDivide(Q("4.14", "m"), Q("2.06", "m")) == Q("2", "m")
    assert ar.TruncatedDivide(Q("10.0", "g"), Q("0.0", "g")) is None
    assert ar.Negate(Q(1, "cm")) == Q(-1, "cm")
    assert ar.Abs(Q("-1.0", "cm")) == Q("1.0", "cm")


def test_rounding_family() -> None:
    assert nf.Ceiling(D("1.1")) == 2 and nf.Ceiling(D("-1.1")) == -1
    assert nf.Ceiling(D("2147483647.2")) is None
    assert nf.Floor(D("-0.1")) == -1 and nf.Floor(D("-2147483648.2")) is None
    assert nf.Truncate(D("-1.9")) == -1
    assert nf.Round(D("0.5")) == 1 and nf.Round(D("-0.5")) == -1 and nf.Round(D("-1.5")) == -2
    assert nf.Round(D("-0.4")) == 0 and str(nf.Round(D("-0.4"))) == "0"
    assert nf.Round(D("3.14159"), 2) == D("3.14")


def test_exp_and_logs() -> None:
    assert nf.Exp(0) == 1
    assert nf.Round(nf.Exp(1), 8) == D("2.71828183")
    with pytest.raises(CqlRuntimeError):
        nf.Exp(1000)
    with pytest.raises(CqlRuntimeError):
        nf.Ln(0)
    assert nf.Ln(-1) is None
    assert nf.Round(nf.Ln(1000), 8) == D("6.90775528")
    assert nf.Log(16, 2) == 4 and nf.Log(D("0.125"), 2) == -3
    assert nf.Log(1, 1) is None and nf.Log(1, None) is None


def test_power() -> None:
    assert ar.Power(2, -2) == D("0.25")
    assert ar.Power(D("-2.0"), D("2.0")) == 4
    assert ar.Power(Long(2), Long(3)) == 8 and type(ar.Power(Long(2), Long(3))) is Long
    assert ar.Power(0, -1) is None
    assert ar.Power(D("-8"), D("0.5")) is None        # no real root


def test_successor_predecessor() -> None:
    assert ar.Successor(0) == 1 and ar.Predecessor(Long(1)) == Long(0)
    assert ar.Successor(D("1.01")) == D("1.01000001")
    assert ar.Predecessor(D("1.0")) == D("0.99999999")
    assert ar.Predecessor(Q("1.0", "cm")) == Q("0.99999999", "cm")
    with pytest.raises(CqlRuntimeError):
        ar.Successor(INTEGER_MAX)
    assert ar.Successor(Time(12, 0, 0, 0)).cql_str() == "@T12:00:00.001"
    with pytest.raises(CqlRuntimeError):
        ar.Successor(Time(23, 59, 59, 999))


def test_min_max_values() -> None:
    assert nf.MinValue("Integer") == INTEGER_MIN and nf.MaxValue("System.Long") == LONG_MAX
    assert nf.MaxValue("Decimal") == D("99999999999999999999.99999999")
    assert nf.MinValue("Date").cql_str() == "@0001-01-01"
    assert nf.MaxValue("Time").cql_str() == "@T23:59:59.999"
    with pytest.raises(CqlRuntimeError):
        nf.MinValue("Boolean")


def test_precision_and_boundaries() -> None:
    assert nf.Precision(D("1.58700")) == 5
    assert nf.Precision(Date(2014)) == 4
    assert nf.Precision(Time(10, 30)) == 4
    assert nf.Precision(DateTime(2014, 1, 5, 10, 30, 0, 0)) == 17
    assert nf.HighBoundary(D("1.587"), 8) == D("1.58799999")
    assert nf.LowBoundary(D("1.587"), 8) == D("1.58700000")
    assert nf.HighBoundary(D("1.58888"), None) == D("1.58888999")
    assert nf.HighBoundary(None, 8) is None


def test_temporal_plus_quantity_delegates() -> None:
    assert ar.Add(Date(2014, 1, 31), Quantity(1, "month")).cql_str() == "@2014-02-28"
    assert ar.Subtract(Date(2014, 3, 1), Quantity(1, "day")).cql_str() == "@2014-02-28"


def test_uncertainty_interval_arithmetic() -> None:
    assert ar.Add(I(17, 44), I(15, 44)) == I(32, 88)
    assert ar.Subtract(I(17, 44), I(2, 17)) == I(0, 42)
    assert ar.Multiply(I(16, 44), I(16, 44)) == I(256, 1936)


def test_strings_add() -> None:
    assert ar.Add("a", "b") == "ab"
    with pytest.raises(CqlRuntimeError):
        ar.Add("a", 1)


def test_boundaries_of_quantities_and_integers() -> None:
    assert nf.LowBoundary(Q("1.587", "cm"), 8) == Q("1.58700000", "cm")
    assert nf.HighBoundary(Q("1.587", "cm"), 8) == Q("1.58799999", "cm")
    assert nf.HighBoundary(1, 2) == D("1.99")
    assert nf.LowBoundary(D("-1.587"), 8) == D("-1.58799999")
