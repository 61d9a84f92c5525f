"""CQL System values -> FHIR JSON, and writing them at a path."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple
from fhirrules.reasoning.errors import ExpressionError
from fhirrules.reasoning.paths import set_path
from fhirrules.reasoning.values import to_fhir, truthy_condition

UCUM = "http://unitsofmeasure.org"


def test_quantities():
    assert to_fhir(Quantity(Decimal("1.5"), "mg/kg")) == {"value": 1.5, "unit": "mg/kg", "system": UCUM, "code": "mg/kg"}
    assert to_fhir(Quantity(Decimal("6"), "months")) == {"value": 6, "unit": "month", "system": UCUM, "code": "mo"}
    assert to_fhir(Quantity(Decimal("2.0"), "g"))["value"] == 2.0


def test_codes_concepts_ratios_intervals_tuples():
    code = Code("121191", "http://www.nlm.nih.gov/research/umls/rxnorm", None, "rituximab")
    assert to_fhir(code) == {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "121191",
                             "display": "rituximab"}
    assert to_fhir(Concept([code], "RTX")) == {"coding": [to_fhir(code)], "text": "RTX"}
    ratio = Ratio(Quantity(Decimal("1"), "mg"), Quantity(Decimal("1"), "kg"))
    assert to_fhir(ratio)["denominator"]["code"] == "kg"
    rng = to_fhir(Interval(Quantity(Decimal("1"), "g"), Quantity(Decimal("2"), "g")))
    assert (rng["low"]["value"], rng["high"]["value"]) == (1, 2)
    assert to_fhir(CqlTuple({"a": 1, "b": None})) == {"a": 1}
    assert to_fhir([Decimal("0.25"), None, "x"]) == [0.25, "x"]


def test_temporals_use_their_cql_spelling():
    from fhirrules.cql.types.temporal import parse_temporal_literal as parse
    assert to_fhir(parse("2025-06-01")) == "2025-06-01"
    assert to_fhir(parse("T10:30")) == "10:30"
    period = to_fhir(Interval(parse("2025-06-01T10:00:00.000+00:00"), None))
    assert period["start"].startswith("2025-06-01T10:00:00")


def test_condition_truth():
    assert truthy_condition(True) is True
    assert truthy_condition([False]) is False
    assert truthy_condition([]) is None
    assert truthy_condition(1) is None


def test_set_path_creates_and_indexes():
    res: dict = {"dosageInstruction": [{"text": "x"}]}
    set_path(res, "dosageInstruction[0].doseAndRate[0].doseQuantity", {"value": 1})
    set_path(res, "code.text", "c")
    set_path(res, "note[1].text", "second")
    assert res["dosageInstruction"][0] == {"text": "x", "doseAndRate": [{"doseQuantity": {"value": 1}}]}
    assert res["code"] == {"text": "c"}
    assert res["note"] == [{}, {"text": "second"}]
    set_path(res, "code", None)
    assert "code" not in res
    with pytest.raises(ExpressionError, match="unsupported"):
        set_path(res, "where(x)", 1)


def test_clone_is_deep_and_keeps_python_values():
    from fhirrules.reasoning.jsoncopy import clone
    doc = {"a": [{"b": 1}], "d": Decimal("1.5")}
    copied = clone(doc)
    copied["a"][0]["b"] = 2
    assert doc["a"][0]["b"] == 1 and copied["d"] == Decimal("1.5")
