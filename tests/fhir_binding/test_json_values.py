"""JSON rendering of CQL results."""
from __future__ import annotations

from decimal import Decimal

from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple
from fhirrules.fhir.json_values import to_json_value
from fhirrules.fhir.temporal_adapter import parse_date, parse_datetime
from fhirrules.fhir.values import FhirElement, FhirPrimitive


def test_scalars_and_lists():
    assert to_json_value([True, None, 3, Decimal("2.50"), Decimal("4.0"), "s"]) == [True, None, 3, 2.5, 4, "s"]


def test_resources_temporals_quantities_intervals():
    assert to_json_value({"resourceType": "Patient", "id": "p", "gender": "f"}) == {"resourceType": "Patient", "id": "p"}
    assert to_json_value(parse_date("2020-01-02")) == "@2020-01-02"
    assert to_json_value(parse_datetime("2020-01-02T03:04:05Z")).startswith("@2020-01-02T03:04:05")
    assert to_json_value(Quantity(Decimal("1.5"), "mg")) == {"value": 1.5, "unit": "mg"}
    assert to_json_value(Interval(1, 5, True, False)) == {"low": 1, "high": 5, "lowClosed": True, "highClosed": False}
    assert to_json_value(Ratio(Quantity(Decimal(1), "mg"), Quantity(Decimal(2), "mL"))) == {
        "numerator": {"value": 1, "unit": "mg"}, "denominator": {"value": 2, "unit": "mL"}}


def test_codes_tuples_and_fhir_values():
    assert to_json_value(Code("c", "s")) == {"code": "c", "system": "s"}
    assert to_json_value(Concept([Code("c", "s")], "d")) == {"codes": [{"code": "c", "system": "s"}], "display": "d"}
    assert to_json_value(CqlTuple({"a": Decimal("1.0"), "b": [1]})) == {"a": 1, "b": [1]}
    assert to_json_value(FhirPrimitive("FHIR.string", "x")) == "x"
    assert to_json_value(FhirElement("FHIR.Coding", {"code": "c"})) == {"code": "c"}
    assert to_json_value(FhirElement("FHIR.Quantity", {"value": 2.5, "code": "mg"})) == {"value": 2.5, "unit": "mg"}
    raw = {"value": 2.5, "code": "mg", "comparator": "<"}
    assert to_json_value(FhirElement("FHIR.Quantity", raw)) == raw
    assert to_json_value(FhirElement("FHIR.HumanName", {"family": "X"})) == {"family": "X"}
