"""System.Ratio: two Quantities."""
from __future__ import annotations

from fhirrules.cql.types.quantity import Quantity


class Ratio:
    """Python ``==`` is structural; CQL equality is ``operators.comparison.equal``."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: Quantity, denominator: Quantity) -> None:
        self.numerator = numerator
        self.denominator = denominator

    def __repr__(self) -> str:
        return f"Ratio({self.numerator!r}, {self.denominator!r})"

    def __str__(self) -> str:
        return f"{self.numerator}:{self.denominator}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ratio):
            return NotImplemented
        return self.numerator == other.numerator and self.denominator == other.denominator

    def __hash__(self) -> int:
        return hash((self.numerator, self.denominator))
