"""Arithmetic operators (spec 09-b "Arithmetic Operators").

Rounding, logarithms, minimum/maximum, precision and boundaries are in
``numeric_functions``.

Numeric promotion: Integer op Integer -> Integer, anything with Long -> Long, anything
with Decimal -> Decimal.  Results that cannot be represented (Integer/Long overflow,
Decimal beyond 28 digits, division by zero) are null, as the spec says for every
arithmetic operator; the suite's explicit error cases (``Exp(1000)``, ``Ln(0)``,
successor of the maximum value) raise CqlRuntimeError."""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.comparison import is_temporal
from fhirrules.cql.types import ucum
from fhirrules.cql.types.primitives import (DECIMAL_CONTEXT, DECIMAL_MAX, DECIMAL_MIN, DECIMAL_STEP,
                                            Long, fits_integer, fits_long, normalize_decimal)
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.typesys import NamedType, type_of

Number = Any  # int | Long | Decimal


# ------------------------------------------------------------------ number helpers
def is_number(x: Any) -> bool:
    return isinstance(x, (int, Decimal)) and not isinstance(x, bool)


def to_decimal(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(int(x))


def _result_kind(a: Any, b: Any) -> str:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return "decimal"
    if type(a) is Long or type(b) is Long:
        return "long"
    return "integer"


def integer_result(value: int, kind: str) -> Optional[int]:
    """Box an exact integer result as Integer or Long; None on overflow."""
    if kind == "long":
        return Long(value) if fits_long(value) else None
    return int(value) if fits_integer(value) else None


def _numeric(a: Any, b: Any, int_op: Callable[[int, int], Any],
             dec_op: Callable[[Decimal, Decimal], Decimal]) -> Any:
    kind = _result_kind(a, b)
    try:
        if kind == "decimal":
            with localcontext(DECIMAL_CONTEXT):
                return normalize_decimal(dec_op(to_decimal(a), to_decimal(b)))
        r = int_op(int(a), int(b))
        return integer_result(r, kind) if isinstance(r, int) else r
    except (InvalidOperation, ZeroDivisionError, OverflowError):
        return None


def _convert_to(q: Quantity, unit: str) -> Optional[Decimal]:
    return ucum.convert(q.value, q.unit, unit) if q.value is not None else None


def _qty(value: Optional[Decimal], unit: str) -> Optional[Quantity]:
    return None if value is None else Quantity(value, unit)


def _in_left_unit(a: Quantity, b: Quantity, op: Callable[[Decimal, Decimal], Decimal]) -> Optional[Quantity]:
    """``a op b`` with ``b`` converted to ``a``'s unit first (Add, Subtract); null when the
    units are not comparable."""
    bv = _convert_to(b, a.unit)
    if bv is None:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return _qty(normalize_decimal(op(a.value, bv)), a.unit)


def _as_quantity(x: Any) -> Quantity:
    """A number next to a Quantity in ``*`` and ``/`` is the unitless Quantity ``'1'``."""
    return x if isinstance(x, Quantity) else Quantity(to_decimal(x), "1")


# ------------------------------------------------------------- uncertainty
def _bounds(x: Any) -> tuple[Any, Any]:
    return (x.low, x.high) if isinstance(x, Interval) else (x, x)


def _uncertain(op: Callable[[Any, Any], Any], a: Any, b: Any, kind: str) -> Optional[Interval]:
    """Arithmetic on uncertainty intervals (the Integer ranges ``duration between``
    returns for imprecise dates): the result covers every combination of the bounds."""
    (al, ah), (bl, bh) = _bounds(a), _bounds(b)
    if kind == "add":
        lo, hi = op(al, bl), op(ah, bh)
    elif kind == "subtract":
        lo, hi = op(al, bh), op(ah, bl)
    else:
        products = [op(x, y) for x in (al, ah) for y in (bl, bh)]
        if any(p is None for p in products):
            return None
        lo, hi = min(products), max(products)
    if lo is None or hi is None:
        return None
    return Interval(lo, hi)


# ------------------------------------------------------------------------- basics
def Add(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Interval) or isinstance(b, Interval):
        return _uncertain(Add, a, b, "add")
    if is_number(a) and is_number(b):
        return _numeric(a, b, lambda x, y: x + y, lambda x, y: x + y)
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        return _in_left_unit(a, b, lambda x, y: x + y)
    if is_temporal(a) and isinstance(b, Quantity):
        return a.add_quantity(b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    raise CqlRuntimeError(f"cannot add {type_name(a)} and {type_name(b)}")


def Subtract(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Interval) or isinstance(b, Interval):
        return _uncertain(Subtract, a, b, "subtract")
    if is_number(a) and is_number(b):
        return _numeric(a, b, lambda x, y: x - y, lambda x, y: x - y)
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        return _in_left_unit(a, b, lambda x, y: x - y)
    if is_temporal(a) and isinstance(b, Quantity):
        return a.subtract_quantity(b)
    raise CqlRuntimeError(f"cannot subtract {type_name(b)} from {type_name(a)}")


def Multiply(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Interval) or isinstance(b, Interval):
        return _uncertain(Multiply, a, b, "multiply")
    if is_number(a) and is_number(b):
        return _numeric(a, b, lambda x, y: x * y, lambda x, y: x * y)
    if isinstance(a, Quantity) or isinstance(b, Quantity):
        qa, qb = _as_quantity(a), _as_quantity(b)
        if qa.value is None or qb.value is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal(qa.value * qb.value), ucum.multiply_units(qa.unit, qb.unit))
    raise CqlRuntimeError(f"cannot multiply {type_name(a)} and {type_name(b)}")


def Divide(a: Any, b: Any) -> Any:
    """``/`` always yields a Decimal for numbers; dividing by zero gives null."""
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if b == 0:
            return None
        try:
            with localcontext(DECIMAL_CONTEXT):
                return normalize_decimal(to_decimal(a) / to_decimal(b))
        except InvalidOperation:
            return None
    if isinstance(a, Quantity) or isinstance(b, Quantity):
        qa, qb = _as_quantity(a), _as_quantity(b)
        if qa.value is None or qb.value is None or qb.value == 0:
            return None
        with localcontext(DECIMAL_CONTEXT):
            # same dimension in different units: convert first so 'm' / 'cm' is a number
            bv = ucum.convert(qb.value, qb.unit, qa.unit) if qa.unit != qb.unit and qb.unit != "1" else None
            if bv is not None and bv != 0:
                return _qty(normalize_decimal(qa.value / bv), "1")
            return _qty(normalize_decimal(qa.value / qb.value), ucum.divide_units(qa.unit, qb.unit))
    raise CqlRuntimeError(f"cannot divide {type_name(a)} by {type_name(b)}")


def _trunc_div_int(x: int, y: int) -> int:
    q = abs(x) // abs(y)
    return q if (x >= 0) == (y >= 0) else -q


def TruncatedDivide(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        bv = _convert_to(b, a.unit)
        if bv is None or bv == 0 or a.value is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal((a.value / bv).to_integral_value(ROUND_DOWN)), a.unit)
    if is_number(a) and is_number(b):
        if b == 0:
            return None
        return _numeric(a, b, _trunc_div_int, lambda x, y: (x / y).to_integral_value(ROUND_DOWN))
    raise CqlRuntimeError(f"cannot divide {type_name(a)} by {type_name(b)}")


def Modulo(a: Any, b: Any) -> Any:
    """Remainder of truncated division: the sign follows the dividend."""
    if a is None or b is None:
        return None
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        bv = _convert_to(b, a.unit)
        if bv is None or bv == 0 or a.value is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal(a.value % bv), a.unit)
    if is_number(a) and is_number(b):
        if b == 0:
            return None
        return _numeric(a, b, lambda x, y: x - y * _trunc_div_int(x, y), lambda x, y: x % y)
    raise CqlRuntimeError(f"cannot take {type_name(a)} modulo {type_name(b)}")


def Power(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if not (is_number(a) and is_number(b)):
        raise CqlRuntimeError(f"cannot raise {type_name(a)} to {type_name(b)}")
    kind = _result_kind(a, b)
    try:
        if kind != "decimal" and int(b) >= 0:
            return integer_result(int(a) ** int(b), kind)
        with localcontext(DECIMAL_CONTEXT):
            base, exp = to_decimal(a), to_decimal(b)
            if base == 0 and exp < 0:
                return None
            return normalize_decimal(base ** exp)
    except (InvalidOperation, ZeroDivisionError, OverflowError):
        return None


def Negate(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Quantity):
        return None if a.value is None else Quantity(normalize_decimal(-a.value), a.unit)
    if isinstance(a, Decimal):
        return normalize_decimal(-a)
    if is_number(a):
        return integer_result(-int(a), _result_kind(a, a))
    raise CqlRuntimeError(f"cannot negate {type_name(a)}")


def Abs(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Quantity):
        return None if a.value is None else Quantity(abs(a.value), a.unit)
    if isinstance(a, Decimal):
        return normalize_decimal(abs(a))
    if is_number(a):
        return integer_result(abs(int(a)), _result_kind(a, a))
    raise CqlRuntimeError(f"Abs is not defined for {type_name(a)}")


# ---------------------------------------------------------- successor/predecessor
def Successor(a: Any) -> Any:
    return _step(a, +1)


def Predecessor(a: Any) -> Any:
    return _step(a, -1)


def _step(a: Any, sign: int) -> Any:
    """The next (``sign`` +1) or previous (-1) value at the value's own precision; stepping
    past the end of the type's range is an error, as the spec says."""
    if a is None:
        return None
    up = sign > 0
    word, end = ("successor", "maximum") if up else ("predecessor", "minimum")
    if isinstance(a, Decimal):
        r = a + DECIMAL_STEP if up else a - DECIMAL_STEP
        if (r > DECIMAL_MAX) if up else (r < DECIMAL_MIN):
            raise CqlRuntimeError(f"{word} of the {end} Decimal")
        return r
    if isinstance(a, Quantity):
        return Quantity(_step(a.value, sign), a.unit)
    if is_number(a):
        r = integer_result(int(a) + sign, _result_kind(a, a))
        if r is None:
            raise CqlRuntimeError(f"{word} of the {end} {type_name(a)}")
        return r
    if is_temporal(a):
        return a.successor() if up else a.predecessor()
    raise CqlRuntimeError(f"{word} is not defined for {type_name(a)}")


def type_name(x: Any) -> str:
    """A value's type for error messages: its System type name (typesys.type_of, the one
    place that maps run-time values to System types), else the Python class name."""
    if x is None:
        return "null"
    t = type_of(x)
    return t.name if isinstance(t, NamedType) else type(x).__name__


OPERATORS: dict[str, Callable[..., Any]] = {
    "Add": Add, "Subtract": Subtract, "Multiply": Multiply, "Divide": Divide,
    "TruncatedDivide": TruncatedDivide, "Modulo": Modulo, "Power": Power, "Negate": Negate,
    "Abs": Abs, "Successor": Successor, "Predecessor": Predecessor,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "Abs": Abs, "Power": Power, "Successor": Successor, "Predecessor": Predecessor,
}
