"""Primitive System types that Python has no exact counterpart for, and the limits of
the numeric System types."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Optional


class Long(int):
    """CQL System.Long (64-bit).  A subclass of int so arithmetic works; operators keep
    the Long type on their results (``Long(a + b)``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}L"


INTEGER_MIN, INTEGER_MAX = -(2 ** 31), 2 ** 31 - 1
LONG_MIN, LONG_MAX = -(2 ** 63), 2 ** 63 - 1

# Spec 04 "Decimal": 28 digits of precision, 8 after the point.
DECIMAL_SCALE = 8
DECIMAL_STEP = Decimal("0.00000001")
DECIMAL_MAX = Decimal("99999999999999999999.99999999")
DECIMAL_MIN = -DECIMAL_MAX
# Values beyond 10**28 can never be represented.  The suite also accepts
# results between DECIMAL_MAX and 10**28 (28 integer digits), so overflow is
# judged against this bound rather than DECIMAL_MAX.
_DECIMAL_LIMIT = Decimal(10) ** 28

# Working context: generous precision so intermediate results are exact enough before
# they are rounded to 8 places.
DECIMAL_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


def is_integer(value: object) -> bool:
    """True for CQL Integer values (Python int that is neither bool nor Long)."""
    return type(value) is int


def is_long(value: object) -> bool:
    return type(value) is Long


def fits_integer(value: int) -> bool:
    return INTEGER_MIN <= value <= INTEGER_MAX


def fits_long(value: int) -> bool:
    return LONG_MIN <= value <= LONG_MAX


def normalize_decimal(value: Decimal) -> Optional[Decimal]:
    """Round a Decimal result to at most 8 places; None when it cannot be represented."""
    try:
        if not value.is_finite() or abs(value) > _DECIMAL_LIMIT:
            return None
        exp = value.as_tuple().exponent
        if isinstance(exp, int) and exp < -DECIMAL_SCALE:
            value = value.quantize(DECIMAL_STEP, context=DECIMAL_CONTEXT)
        if value == 0:
            value = abs(value)          # no negative zero: -0.0 prints as 0.0
        return value
    except InvalidOperation:
        return None
