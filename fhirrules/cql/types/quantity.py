"""System.Quantity: a Decimal value with a UCUM unit or a calendar duration unit."""
from __future__ import annotations

from decimal import Decimal

CALENDAR_UNITS = ("year", "month", "week", "day", "hour", "minute", "second", "millisecond")


class Quantity:
    """``value`` is a Decimal; ``unit`` a UCUM string ('1' when unitless) or a calendar
    word in singular form ('day', 'month', ...).

    Python ``==`` is structural (same value, same unit text) so values can sit in sets and
    be checked in tests; CQL equality with unit conversion is
    ``fhirrules.cql.operators.comparison.equal``."""

    __slots__ = ("value", "unit")

    def __init__(self, value: Decimal | int | None, unit: str | None = "1") -> None:
        self.value = Decimal(value) if isinstance(value, int) else value
        unit = unit if unit not in (None, "") else "1"
        if unit.endswith("s") and unit[:-1] in CALENDAR_UNITS:
            unit = unit[:-1]
        self.unit = unit

    def __repr__(self) -> str:
        return f"Quantity({self.value!s}, {self.unit!r})"

    def __str__(self) -> str:
        """CQL text: ``5.5 'cm'``; calendar units are written as keywords (``3 days``)."""
        if self.unit in CALENDAR_UNITS:
            word = self.unit if self.value in (1, -1) else self.unit + "s"
            return f"{self.value} {word}"
        return f"{self.value} '{self.unit}'"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.value == other.value and self.unit == other.unit

    def __hash__(self) -> int:
        return hash((self.value, self.unit))
