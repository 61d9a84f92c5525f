"""ToX / ConvertsToX / ConvertQuantity."""
from __future__ import annotations

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators import type_conversions as tc
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.temporal import Date, DateTime, Time
from .helpers import D, Q


def test_to_boolean() -> None:
    assert tc.ToBoolean("NO") is False and tc.ToBoolean("Y") is True
    assert tc.ToBoolean("maybe") is None and tc.ToBoolean(1) is True and tc.ToBoolean(None) is None


def test_numbers() -> None:
    assert tc.ToInteger("-25") == -25 and tc.ToInteger("foo") is None
    assert tc.ToInteger("2147483648") is None and tc.ToInteger(True) == 1
    assert tc.ToLong("2147483648") == Long(2147483648) and type(tc.ToLong("1")) is Long
    assert tc.ToDecimal("+25.5") == D("25.5") and tc.ToDecimal("1e5") is None
    assert tc.ToDecimal(5) == D("5")


def test_quantities_and_ratios() -> None:
    assert tc.ToQuantity("5.5 'cm'") == Q("5.5", "cm")
    assert tc.ToQuantity("3 days") == Quantity(3, "day")
    assert tc.ToQuantity("5") == Q(5, "1")
    assert tc.ToQuantity("5 'no such unit!'") is None
    assert tc.ToQuantity(D("2.5")) == Q("2.5", "1")
    assert tc.ToRatio("1 'mg':2 'mL'") == Ratio(Q(1, "mg"), Q(2, "mL"))
    assert tc.ConvertQuantity(Q(1, "g"), "mg") == Q(1000, "mg")
    assert tc.ConvertQuantity(Q(5, "mg/dL"), "mg/L") == Q(50, "mg/L")
    with pytest.raises(CqlRuntimeError):
        tc.ConvertQuantity(Q(1, "mg/dL"), "umol/L")          # needs a molar mass
    assert tc.CanConvertQuantity(Q(1, "mg/dL"), "umol/L") is False
    assert tc.CanConvertQuantity(Q(1, "mg/dL"), "g/L") is True


def test_to_string() -> None:
    assert tc.ToString(-5) == "-5" and tc.ToString(D("18.55")) == "18.55"
    assert tc.ToString(Long(7)) == "7"
    assert tc.ToString(Q("5.5", "cm")) == "5.5 'cm'"
    assert tc.ToString(True) == "true"
    assert tc.ToString(D("0.00000001")) == "0.00000001"
    assert tc.ToString(DateTime(2000, 1, 1, 8, 25, 25, 300, offset=D("-7"))) == "2000-01-01T08:25:25.300-07:00"
    assert tc.ToString(Time(9, 30, 1, 3)) == "09:30:01.003"


def test_temporal_conversions() -> None:
    assert tc.ToDateTime("2014-01-01").cql_str() == "@2014-01-01T"
    assert tc.ToDateTime("2014/01/01") is None
    assert tc.ToDateTime(Date(2014, 1, 1)).cql_str() == "@2014-01-01T"
    assert tc.ToTime("T14:30:00.0").cql_str() == "@T14:30:00.000"
    assert tc.ToDate("2014-01-01").cql_str() == "@2014-01-01"


def test_converts_to() -> None:
    assert tc.ConvertsToInteger("12") is True and tc.ConvertsToInteger("x") is False
    assert tc.ConvertsToInteger(None) is None
    assert tc.ConvertsToDateTime("2014-01-01") is True
    assert tc.ConvertsToQuantity("1 'mg'") is True and tc.ConvertsToQuantity("mg") is False


def test_to_concept() -> None:
    code = Code("8480-6", "http://loinc.org")
    assert tc.ToConcept(code) == Concept([code])
    assert tc.ToConcept([code, None]).codes == [code]
    assert tc.ToConcept(None) is None
