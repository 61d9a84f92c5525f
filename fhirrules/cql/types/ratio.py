"""System.Ratio: two Quantities."""
from __future__ import annotations

from fhirrules.cql.types.quantity import Quantity


class Ratio:
    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: Quantity, denominator: Quantity) -> None:
        self.numerator = numerator
        self.denominator = denominator

    def __repr__(self) -> str:
        return f"Ratio({self.numerator!r}, {self.denominator!r})"
