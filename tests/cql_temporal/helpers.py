"""Short spellings for the temporal tests: ``L('2014-01-01T')`` is the literal
``@2014-01-01T``; ``Q(5, 'years')`` a calendar Quantity; ``text(v)`` the value's CQL
literal text, or the Python value unchanged, so expected results can be written the way
the conformance suite writes them."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.temporal import parse_temporal_literal


def L(text: str) -> Any:
    return parse_temporal_literal(text.lstrip("@"))


def Q(value: int | str, unit: str) -> Quantity:
    return Quantity(Decimal(str(value)), unit)


def text(v: Any) -> Any:
    if hasattr(v, "cql_str"):
        return v.cql_str()
    if isinstance(v, Interval):
        return f"Interval[{text(v.low)}, {text(v.high)}]"
    return v
