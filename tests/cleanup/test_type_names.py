"""One mapping from run-time values to System types (typesys.type_of) behind both the
FHIRPath type names and the names in arithmetic error messages."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.arithmetic import Predecessor, Successor, type_name
from fhirrules.cql.types.clinical import Code
from fhirrules.cql.types.primitives import INTEGER_MAX, Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.temporal import parse_temporal_literal
from fhirrules.fhir.fhirpath.values import system_type_name


@pytest.mark.parametrize("value, name", [
    (True, "Boolean"), (1, "Integer"), (Long(1), "Long"), (Decimal("1.5"), "Decimal"),
    ("s", "String"), (Quantity(Decimal(1), "mg"), "Quantity"),
    (parse_temporal_literal("2020-01-01"), "Date"), (parse_temporal_literal("2020-01-01T10:00"), "DateTime"),
    (parse_temporal_literal("T10:00"), "Time"),
    # not FHIRPath System types
    (Ratio(Quantity(Decimal(1), "1"), Quantity(Decimal(2), "1")), None), (Code("c", "s"), None),
    ([1], None), (None, None),
])
def test_fhirpath_system_type_name(value, name):
    assert system_type_name(value) == name


def test_arithmetic_type_name_for_messages():
    assert [type_name(v) for v in (None, False, 1, Long(1), Decimal(1), "s", [1])] == \
        ["null", "Boolean", "Integer", "Long", "Decimal", "String", "list"]


def test_successor_predecessor_are_mirrors():
    assert Successor(Decimal("1.0")) == Decimal("1.00000001")
    assert Predecessor(Decimal("1.0")) == Decimal("0.99999999")
    assert Successor(Quantity(Decimal(1), "mg")) == Quantity(Successor(Decimal(1)), "mg")
    assert Predecessor(5) == 4 and type(Predecessor(Long(5))) is Long
    with pytest.raises(CqlRuntimeError, match="successor of the maximum Integer"):
        Successor(INTEGER_MAX)
    with pytest.raises(CqlRuntimeError, match="predecessor is not defined for Code"):
        Predecessor(Code("c", "s"))
