"""FHIRHelpers 4.0.1 conversions done natively."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.fhir.helpers import FUNCTIONS, register_fhirhelpers, to_system
from fhirrules.fhir.model import MODEL
from fhirrules.fhir.values import FhirElement, FhirPrimitive


def q(**kw):
    return FhirElement("FHIR.Quantity", kw)


def test_to_quantity_units():
    assert FUNCTIONS["ToQuantity"](q(value=3, code="mg")).unit == "mg"
    assert FUNCTIONS["ToQuantity"](q(value=3, unit="mg")).unit == "mg"
    assert FUNCTIONS["ToQuantity"](q(value=3)).unit == "1"
    assert FUNCTIONS["ToQuantity"](q(value=2, code="a", system="http://unitsofmeasure.org")).unit == "year"
    assert FUNCTIONS["ToQuantity"](q(value=1.5, code="mg")).value == Decimal("1.5")
    assert FUNCTIONS["ToQuantity"](None) is None
    with pytest.raises(CqlRuntimeError, match="unit system"):
        FUNCTIONS["ToQuantity"](q(value=1, code="x", system="http://other"))


def test_quantity_with_comparator():
    with pytest.raises(CqlRuntimeError, match="comparator"):
        FUNCTIONS["ToQuantity"](q(value=5, code="mg", comparator="<"))
    iv = FUNCTIONS["ToInterval"](q(value=5, code="mg", comparator="<"))
    assert iv.low is None and iv.high.value == 5 and not iv.high_closed
    iv = FUNCTIONS["ToInterval"](q(value=5, code="mg", comparator=">="))
    assert iv.low.value == 5 and iv.low_closed and iv.high is None


def test_period_range_ratio():
    iv = FUNCTIONS["ToInterval"](FhirElement("FHIR.Period", {"end": "2020-01-01"}))
    assert iv.low is None and not iv.low_closed and iv.high is not None
    rng = FUNCTIONS["ToInterval"](FhirElement("FHIR.Range", {"low": {"value": 1}, "high": {"value": 2}}))
    assert rng.low.value == 1 and rng.high.value == 2
    r = FUNCTIONS["ToRatio"](FhirElement("FHIR.Ratio", {"numerator": {"value": 1, "code": "mg"},
                                                         "denominator": {"value": 2, "code": "mL"}}))
    assert r.numerator.unit == "mg" and r.denominator.value == 2


def test_codes_lenient_number_and_concept_display():
    code = FUNCTIONS["ToCode"](FhirElement("FHIR.Coding", {"system": "s", "code": 1234}))
    assert code.code == "1234"
    concept = FUNCTIONS["ToConcept"](FhirElement("FHIR.CodeableConcept", {"coding": [{"code": "a"}], "text": "T"}))
    assert concept.display == "T" and concept.codes[0].code == "a"


def test_primitive_functions():
    assert FUNCTIONS["ToString"](FhirPrimitive("FHIR.string", "x")) == "x"
    assert FUNCTIONS["ToBoolean"](FhirPrimitive("FHIR.boolean", True)) is True
    assert FUNCTIONS["ToInteger"](FhirPrimitive("FHIR.integer", 4)) == 4
    assert FUNCTIONS["ToDecimal"](FhirPrimitive("FHIR.decimal", 0.1)) == Decimal("0.1")
    assert FUNCTIONS["ToDate"](FhirPrimitive("FHIR.date", "2020-02")).cql_str() == "@2020-02"
    assert FUNCTIONS["ToDateTime"](FhirPrimitive("FHIR.dateTime", "2020-02-03")).cql_str().startswith("@2020-02-03")
    assert FUNCTIONS["ToTime"](FhirPrimitive("FHIR.time", "10:20:30")).cql_str().startswith("@T10:20:30")
    assert to_system([FhirPrimitive("FHIR.string", "a"), None]) == ["a", None]


def test_invalid_primitive_text_is_a_runtime_error():
    with pytest.raises(CqlRuntimeError, match="invalid FHIR date"):
        MODEL.get_property({"resourceType": "Patient", "birthDate": "yesterday"}, "birthDate").value


def test_register_with_engine():
    calls = {}

    class FakeEngine:
        def register_native_library(self, name, version, functions, defines=None):
            calls[(name, version)] = functions

    register_fhirhelpers(FakeEngine())
    fns = calls[("FHIRHelpers", "4.0.1")]
    for name in ("ToConcept", "ToCode", "ToQuantity", "ToDateTime", "ToDate", "ToString",
                 "ToInterval", "ToRatio", "ToBoolean", "ToInteger", "ToDecimal", "ToTime"):
        assert callable(fns[name])


def test_already_converted_arguments_pass_through():
    from fhirrules.cql.types.clinical import Code, Concept
    from fhirrules.cql.types.interval import Interval
    from fhirrules.cql.types.quantity import Quantity
    for name, value in (("ToCode", Code("a", "b")), ("ToConcept", Concept([Code("a", "b")])),
                        ("ToQuantity", Quantity(Decimal(1), "mg")), ("ToInterval", Interval(1, 2))):
        assert FUNCTIONS[name](value) is value
    with pytest.raises(CqlRuntimeError, match="expected a FHIR element"):
        FUNCTIONS["ToConcept"]("text")


def test_temporal_text_must_be_a_string():
    from fhirrules.fhir.temporal_adapter import parse_date, parse_datetime
    with pytest.raises(CqlRuntimeError, match="expected a string"):
        parse_datetime(["2020"])
    with pytest.raises(CqlRuntimeError, match="day 30 is out of range"):
        parse_date("2021-02-30")
    assert parse_datetime("2020-01-01T10:00:00Z") is parse_datetime("2020-01-01T10:00:00Z")
