"""Primitive System types that Python has no exact counterpart for."""
from __future__ import annotations


class Long(int):
    """CQL System.Long (64-bit).  A subclass of int so arithmetic works; operators keep
    the Long type on their results (``Long(a + b)``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}L"


INTEGER_MIN, INTEGER_MAX = -(2 ** 31), 2 ** 31 - 1
LONG_MIN, LONG_MAX = -(2 ** 63), 2 ** 63 - 1
