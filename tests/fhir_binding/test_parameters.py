"""Parameter values from text: CQL first, then JSON converted to the declared type."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlSemanticError
from fhirrules.cql.types.clinical import Code
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.fhir.parameters import from_json
from fhirrules.fhir.runner import json_to_cql


def named(name):
    return ast.NamedTypeSpec(name, "System")


def test_json_to_declared_types():
    iv = from_json({"low": "2019-01-01T00:00:00Z", "high": "@2019-12-31T23:59:59Z", "highClosed": False},
                   ast.IntervalTypeSpec(named("DateTime")))
    assert isinstance(iv, Interval) and iv.low.cql_str().startswith("@2019-01-01T00:00:00") and not iv.high_closed
    assert from_json("2020-02-03", named("Date")).cql_str() == "@2020-02-03"
    q = from_json({"value": 5, "unit": "mg"}, named("Quantity"))
    assert isinstance(q, Quantity) and q.value == 5 and q.unit == "mg"
    code = from_json({"code": "c", "system": "s"}, named("Code"))
    assert isinstance(code, Code) and code.code == "c"
    assert from_json(12.5, named("Decimal")) == Decimal("12.5")
    assert from_json([1, 2], ast.ListTypeSpec(named("Integer"))) == [1, 2]
    with pytest.raises(CqlSemanticError, match="not a Date"):
        from_json("yesterday", named("Date"))


def test_untyped_json_by_shape():
    assert json_to_cql(1.5) == Decimal("1.5")
    assert json_to_cql({"value": 5, "unit": "mg"}).unit == "mg"
    assert dict(json_to_cql({"a": [1]})) == {"a": [1]}


def test_coerce_widens_and_rejects():
    from fhirrules.cql.types.temporal import DateTime
    from fhirrules.fhir.parameters import coerce
    from fhirrules.fhir.temporal_adapter import parse_date
    iv = coerce(Interval(parse_date("2019-01-01"), parse_date("2019-12-31")), ast.IntervalTypeSpec(named("DateTime")), "P")
    assert isinstance(iv.low, DateTime) and iv.low.cql_str() == "@2019-01-01T"
    assert coerce(3, named("Decimal"), "P") == Decimal(3)
    assert coerce(True, named("Boolean"), "P") is True
    with pytest.raises(CqlSemanticError, match="declared Integer but the value given is a str"):
        coerce("3", named("Integer"), "P")
    with pytest.raises(CqlSemanticError, match="declared Integer"):
        coerce(True, named("Integer"), "P")
    with pytest.raises(CqlSemanticError, match="declared an Interval but the value given is a str"):
        coerce("abc", ast.IntervalTypeSpec(named("DateTime")), "P")
