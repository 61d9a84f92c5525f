"""Unit registry: conversions, refusals, calendar rules, unit algebra."""
from __future__ import annotations

import time
from decimal import Decimal

import pytest

from fhirrules.cql.types import ucum


@pytest.mark.parametrize("src,dst,factor", [
    ("m", "cm", Decimal(100)),
    ("cm", "m", Decimal("0.01")),
    ("g/dL", "mg/dL", Decimal(1000)),
    ("[lb_av]", "kg", Decimal("0.45359237")),
    ("wk", "d", Decimal(7)),
    ("week", "day", Decimal(7)),
    ("day", "hour", Decimal(24)),
    ("second", "ms", Decimal(1000)),
    ("year", "month", Decimal(12)),
])
def test_conversion_factors(src: str, dst: str, factor: Decimal) -> None:
    assert ucum.conversion_factor(src, dst) == factor


def test_molar_conversion_is_refused() -> None:
    # mg/dL -> umol/L needs a molar mass: not unit algebra
    assert ucum.conversion_factor("mg/dL", "umol/L") is None
    assert ucum.convert(Decimal(1), "mg/dL", "umol/L") is None


def test_calendar_years_and_months_are_not_definite_durations_for_equality() -> None:
    assert ucum.conversion_factor("year", "a") is None
    assert ucum.conversion_factor("month", "mo") is None
    assert ucum.conversion_factor("year", "day") is None


def test_calendar_equivalence_uses_approximations() -> None:
    assert ucum.conversion_factor("year", "a", "equivalent") == 1
    assert ucum.conversion_factor("year", "day", "equivalent") == 365
    assert ucum.conversion_factor("month", "day", "equivalent") == 30
    assert ucum.conversion_factor("month", "mo", "equivalent") == 1


@pytest.mark.parametrize("a,b,product", [
    ("g", "g", "g2"), ("cm", "cm", "cm2"), ("cm", "1", "cm"), ("g/cm3", "cm3", "g"),
    ("mL/min/{1.73_m2}", "min", "mL/{1.73_m2}"),
])
def test_multiply_units(a: str, b: str, product: str) -> None:
    assert ucum.multiply_units(a, b) == product


@pytest.mark.parametrize("a,b,quotient", [
    ("g/cm3", "g/cm3", "1"), ("g", "1", "g"), ("kg", "m2", "kg/m2"), ("g.s2", "s", "g.s"),
])
def test_divide_units(a: str, b: str, quotient: str) -> None:
    assert ucum.divide_units(a, b) == quotient


def test_invalid_unit_is_detected() -> None:
    assert ucum.is_valid_unit("mg/dL")
    assert ucum.is_valid_unit("day")
    assert not ucum.is_valid_unit("not a unit!!")


def test_factors_are_cached() -> None:
    ucum.conversion_factor("mmol/L", "umol/L")
    start = time.perf_counter()
    for _ in range(2000):
        ucum.conversion_factor("mmol/L", "umol/L")
    assert time.perf_counter() - start < 0.5


def test_offset_units_convert_affinely() -> None:
    assert ucum.convert(Decimal(100), "Cel", "[degF]") == Decimal(212)
    assert ucum.convert(Decimal(0), "Cel", "K") == Decimal("273.15")
    assert ucum.conversion_factor("Cel", "K") is None      # no single factor exists
