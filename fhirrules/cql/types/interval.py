"""System.Interval<T>: low and high bounds, each open or closed, either possibly null."""
from __future__ import annotations

from typing import Any


class Interval:
    """Python ``==`` is structural (same bounds, same closedness); CQL equality, which
    treats ``Interval[1, 5)`` and ``Interval[1, 4]`` as equal, is
    ``operators.comparison.equal``."""

    __slots__ = ("low", "high", "low_closed", "high_closed")

    def __init__(self, low: Any, high: Any, low_closed: bool = True, high_closed: bool = True) -> None:
        self.low = low
        self.high = high
        self.low_closed = low_closed
        self.high_closed = high_closed

    def __repr__(self) -> str:
        return (("[" if self.low_closed else "(") + f"{self.low!r}, {self.high!r}"
                + ("]" if self.high_closed else ")"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interval):
            return NotImplemented
        return (self.low == other.low and self.high == other.high
                and self.low_closed == other.low_closed and self.high_closed == other.high_closed)

    def __hash__(self) -> int:
        return hash((self.low_closed, self.high_closed))
