"""System.Quantity: a Decimal value with a UCUM unit or a calendar duration unit."""
from __future__ import annotations

from decimal import Decimal

CALENDAR_UNITS = ("year", "month", "week", "day", "hour", "minute", "second", "millisecond")


class Quantity:
    """``value`` is a Decimal; ``unit`` a UCUM string ('1' when unitless) or a calendar
    word in singular form ('day', 'month', ...)."""

    __slots__ = ("value", "unit")

    def __init__(self, value: Decimal | int | None, unit: str | None = "1") -> None:
        self.value = Decimal(value) if isinstance(value, int) else value
        unit = unit if unit not in (None, "") else "1"
        if unit.endswith("s") and unit[:-1] in CALENDAR_UNITS:
            unit = unit[:-1]
        self.unit = unit

    def __repr__(self) -> str:
        return f"Quantity({self.value!s}, {self.unit!r})"
