"""System.Interval<T>: low and high bounds, each open or closed, either possibly null."""
from __future__ import annotations

from typing import Any


class Interval:
    __slots__ = ("low", "high", "low_closed", "high_closed")

    def __init__(self, low: Any, high: Any, low_closed: bool = True, high_closed: bool = True) -> None:
        self.low = low
        self.high = high
        self.low_closed = low_closed
        self.high_closed = high_closed

    def __repr__(self) -> str:
        return (("[" if self.low_closed else "(") + f"{self.low!r}, {self.high!r}"
                + ("]" if self.high_closed else ")"))
