"""Small constructors that keep the operator tests readable."""
from __future__ import annotations

from decimal import Decimal

from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity


def D(text: str) -> Decimal:
    return Decimal(text)


def Q(value: str | int, unit: str = "1") -> Quantity:
    return Quantity(Decimal(str(value)), unit)


def I(low, high, low_closed: bool = True, high_closed: bool = True) -> Interval:  # noqa: E743
    return Interval(low, high, low_closed, high_closed)
