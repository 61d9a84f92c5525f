"""Arithmetic operators (spec 09-b "Arithmetic Operators").

Numeric promotion: Integer op Integer -> Integer, anything with Long -> Long, anything
with Decimal -> Decimal.  Results that cannot be represented (Integer/Long overflow,
Decimal beyond 28 digits, division by zero) are null, as the spec says for every
arithmetic operator; the suite's explicit error cases (``Exp(1000)``, ``Ln(0)``,
successor of the maximum value) raise CqlRuntimeError."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.comparison import is_temporal
from fhirrules.cql.types import ucum
from fhirrules.cql.types.primitives import (DECIMAL_CONTEXT, DECIMAL_MAX, DECIMAL_MIN, DECIMAL_SCALE,
                                            DECIMAL_STEP, INTEGER_MAX, INTEGER_MIN, LONG_MAX, LONG_MIN,
                                            Long, fits_integer, fits_long, normalize_decimal)
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity

Number = Any  # int | Long | Decimal


# ------------------------------------------------------------------ number helpers
def _is_num(x: Any) -> bool:
    return isinstance(x, (int, Decimal)) and not isinstance(x, bool)


def _dec(x: Any) -> Decimal:
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
                return normalize_decimal(dec_op(_dec(a), _dec(b)))
        r = int_op(int(a), int(b))
        return integer_result(r, kind) if isinstance(r, int) else r
    except (InvalidOperation, ZeroDivisionError, OverflowError):
        return None


def _convert_to(q: Quantity, unit: str) -> Optional[Decimal]:
    return ucum.convert(q.value, q.unit, unit) if q.value is not None else None


def _qty(value: Optional[Decimal], unit: str) -> Optional[Quantity]:
    return None if value is None else Quantity(value, unit)


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
    if _is_num(a) and _is_num(b):
        return _numeric(a, b, lambda x, y: x + y, lambda x, y: x + y)
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        bv = _convert_to(b, a.unit)
        if bv is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal(a.value + bv), a.unit)
    if is_temporal(a) and isinstance(b, Quantity):
        return a.add_quantity(b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    raise CqlRuntimeError(f"cannot add {_tname(a)} and {_tname(b)}")


def Subtract(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Interval) or isinstance(b, Interval):
        return _uncertain(Subtract, a, b, "subtract")
    if _is_num(a) and _is_num(b):
        return _numeric(a, b, lambda x, y: x - y, lambda x, y: x - y)
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        bv = _convert_to(b, a.unit)
        if bv is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal(a.value - bv), a.unit)
    if is_temporal(a) and isinstance(b, Quantity):
        return a.subtract_quantity(b)
    raise CqlRuntimeError(f"cannot subtract {_tname(b)} from {_tname(a)}")


def Multiply(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, Interval) or isinstance(b, Interval):
        return _uncertain(Multiply, a, b, "multiply")
    if _is_num(a) and _is_num(b):
        return _numeric(a, b, lambda x, y: x * y, lambda x, y: x * y)
    if isinstance(a, Quantity) or isinstance(b, Quantity):
        qa = a if isinstance(a, Quantity) else Quantity(_dec(a), "1")
        qb = b if isinstance(b, Quantity) else Quantity(_dec(b), "1")
        if qa.value is None or qb.value is None:
            return None
        with localcontext(DECIMAL_CONTEXT):
            return _qty(normalize_decimal(qa.value * qb.value), ucum.multiply_units(qa.unit, qb.unit))
    raise CqlRuntimeError(f"cannot multiply {_tname(a)} and {_tname(b)}")


def Divide(a: Any, b: Any) -> Any:
    """``/`` always yields a Decimal for numbers; dividing by zero gives null."""
    if a is None or b is None:
        return None
    if _is_num(a) and _is_num(b):
        if b == 0:
            return None
        try:
            with localcontext(DECIMAL_CONTEXT):
                return normalize_decimal(_dec(a) / _dec(b))
        except InvalidOperation:
            return None
    if isinstance(a, Quantity) or isinstance(b, Quantity):
        qa = a if isinstance(a, Quantity) else Quantity(_dec(a), "1")
        qb = b if isinstance(b, Quantity) else Quantity(_dec(b), "1")
        if qa.value is None or qb.value is None or qb.value == 0:
            return None
        with localcontext(DECIMAL_CONTEXT):
            # same dimension in different units: convert first so 'm' / 'cm' is a number
            bv = ucum.convert(qb.value, qb.unit, qa.unit) if qa.unit != qb.unit and qb.unit != "1" else None
            if bv is not None and bv != 0:
                return _qty(normalize_decimal(qa.value / bv), "1")
            return _qty(normalize_decimal(qa.value / qb.value), ucum.divide_units(qa.unit, qb.unit))
    raise CqlRuntimeError(f"cannot divide {_tname(a)} by {_tname(b)}")


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
    if _is_num(a) and _is_num(b):
        if b == 0:
            return None
        return _numeric(a, b, _trunc_div_int, lambda x, y: (x / y).to_integral_value(ROUND_DOWN))
    raise CqlRuntimeError(f"cannot divide {_tname(a)} by {_tname(b)}")


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
    if _is_num(a) and _is_num(b):
        if b == 0:
            return None
        return _numeric(a, b, lambda x, y: x - y * _trunc_div_int(x, y), lambda x, y: x % y)
    raise CqlRuntimeError(f"cannot take {_tname(a)} modulo {_tname(b)}")


def Power(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if not (_is_num(a) and _is_num(b)):
        raise CqlRuntimeError(f"cannot raise {_tname(a)} to {_tname(b)}")
    kind = _result_kind(a, b)
    try:
        if kind != "decimal" and int(b) >= 0:
            return integer_result(int(a) ** int(b), kind)
        with localcontext(DECIMAL_CONTEXT):
            base, exp = _dec(a), _dec(b)
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
    if _is_num(a):
        return integer_result(-int(a), _result_kind(a, a))
    raise CqlRuntimeError(f"cannot negate {_tname(a)}")


def Abs(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Quantity):
        return None if a.value is None else Quantity(abs(a.value), a.unit)
    if isinstance(a, Decimal):
        return normalize_decimal(abs(a))
    if _is_num(a):
        return integer_result(abs(int(a)), _result_kind(a, a))
    raise CqlRuntimeError(f"Abs is not defined for {_tname(a)}")


# ---------------------------------------------------------------- rounding family
def _to_integer(a: Any, rounding: str) -> Optional[int]:
    if a is None:
        return None
    if isinstance(a, Decimal):
        return integer_result(int(a.to_integral_value(rounding)), "integer")
    if _is_num(a):
        return integer_result(int(a), "integer")
    raise CqlRuntimeError(f"expected a number, got {_tname(a)}")


def Ceiling(a: Any) -> Optional[int]:
    return _to_integer(a, ROUND_CEILING)


def Floor(a: Any) -> Optional[int]:
    return _to_integer(a, ROUND_FLOOR)


def Truncate(a: Any) -> Optional[int]:
    return _to_integer(a, ROUND_DOWN)


def Round(a: Any, precision: Any = None) -> Optional[Decimal]:
    """Half rounds away from zero (``Round(-1.5)`` is -2.0, per the suite)."""
    if a is None:
        return None
    places = 0 if precision is None else int(precision)
    if places < 0:
        return None
    q = Decimal(1).scaleb(-places)
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(_dec(a).quantize(q, rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------- exp / logs
def Ln(a: Any) -> Optional[Decimal]:
    if a is None:
        return None
    x = _dec(a)
    if x == 0:
        raise CqlRuntimeError("Ln(0) is undefined (negative infinity)")
    if x < 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(x.ln())


def Log(a: Any, base: Any) -> Optional[Decimal]:
    if a is None or base is None:
        return None
    x, b = _dec(a), _dec(base)
    if x <= 0 or b <= 0 or b == 1:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(x.ln() / b.ln())


def Exp(a: Any) -> Optional[Decimal]:
    if a is None:
        return None
    with localcontext(DECIMAL_CONTEXT):
        r = normalize_decimal(_dec(a).exp())
    if r is None:
        raise CqlRuntimeError(f"Exp({a}) is too large to represent")
    return r


# ---------------------------------------------------------- successor/predecessor
def Successor(a: Any) -> Any:
    """The next value at the value's own precision; past the maximum is an error."""
    if a is None:
        return None
    if isinstance(a, Decimal):
        r = a + DECIMAL_STEP
        if r > DECIMAL_MAX:
            raise CqlRuntimeError("successor of the maximum Decimal")
        return r
    if isinstance(a, Quantity):
        return Quantity(Successor(a.value), a.unit)
    if _is_num(a):
        r = integer_result(int(a) + 1, _result_kind(a, a))
        if r is None:
            raise CqlRuntimeError(f"successor of the maximum {_tname(a)}")
        return r
    if is_temporal(a):
        return a.successor()
    raise CqlRuntimeError(f"successor is not defined for {_tname(a)}")


def Predecessor(a: Any) -> Any:
    if a is None:
        return None
    if isinstance(a, Decimal):
        r = a - DECIMAL_STEP
        if r < DECIMAL_MIN:
            raise CqlRuntimeError("predecessor of the minimum Decimal")
        return r
    if isinstance(a, Quantity):
        return Quantity(Predecessor(a.value), a.unit)
    if _is_num(a):
        r = integer_result(int(a) - 1, _result_kind(a, a))
        if r is None:
            raise CqlRuntimeError(f"predecessor of the minimum {_tname(a)}")
        return r
    if is_temporal(a):
        return a.predecessor()
    raise CqlRuntimeError(f"predecessor is not defined for {_tname(a)}")


# ------------------------------------------------------------- minimum / maximum
def _temporal_limit(name: str, which: str) -> Any:
    """MIN_DATE / MAX_DATETIME ... from the temporal types module (imported lazily:
    it is written in parallel)."""
    try:
        from fhirrules.cql.types import temporal
    except ImportError as exc:
        raise CqlRuntimeError(f"{name} values are not available: {exc}") from exc
    value = getattr(temporal, f"{which.upper()}_{name.upper()}", None)
    if value is None:
        raise CqlRuntimeError(f"{which}imum {name} is not available")
    return value


def MinValue(type_name: str) -> Any:
    """``minimum Integer`` etc.  ``type_name`` may carry the ``System.`` prefix."""
    name = type_name.split(".")[-1]
    if name == "Integer":
        return INTEGER_MIN
    if name == "Long":
        return Long(LONG_MIN)
    if name == "Decimal":
        return DECIMAL_MIN
    if name == "Quantity":
        return Quantity(DECIMAL_MIN, "1")
    if name in ("Date", "DateTime", "Time"):
        return _temporal_limit(name, "min")
    raise CqlRuntimeError(f"minimum is not defined for type {type_name}")


def MaxValue(type_name: str) -> Any:
    name = type_name.split(".")[-1]
    if name == "Integer":
        return INTEGER_MAX
    if name == "Long":
        return Long(LONG_MAX)
    if name == "Decimal":
        return DECIMAL_MAX
    if name == "Quantity":
        return Quantity(DECIMAL_MAX, "1")
    if name in ("Date", "DateTime", "Time"):
        return _temporal_limit(name, "max")
    raise CqlRuntimeError(f"maximum is not defined for type {type_name}")


def minimum_like(sample: Any) -> Any:
    """The minimum value of ``sample``'s type (for closed null interval bounds)."""
    return _limit_like(sample, MinValue)


def maximum_like(sample: Any) -> Any:
    return _limit_like(sample, MaxValue)


def _limit_like(sample: Any, fn: Callable[[str], Any]) -> Any:
    if sample is None:
        return None
    if isinstance(sample, Quantity):
        return Quantity(fn("Decimal"), sample.unit)
    name = _tname(sample)
    try:
        return fn(name)
    except CqlRuntimeError:
        return None


# ---------------------------------------------------------------------- precision
_DT_DIGITS = {"year": 4, "month": 6, "day": 8, "hour": 10, "minute": 12, "second": 14, "millisecond": 17}
_T_DIGITS = {"hour": 2, "minute": 4, "second": 6, "millisecond": 9}


def Precision(a: Any) -> Optional[int]:
    """Digits of precision: decimal places for Decimals (as written, trailing zeros
    count), or digits of the most precise component for dates and times."""
    if a is None:
        return None
    if isinstance(a, Decimal):
        exp = a.as_tuple().exponent
        return max(0, -exp) if isinstance(exp, int) else None
    if _is_num(a):
        return 0
    if is_temporal(a):
        table = _T_DIGITS if type(a).__name__ == "Time" else _DT_DIGITS
        return table.get(a.precision)
    raise CqlRuntimeError(f"Precision is not defined for {_tname(a)}")


def _boundary(a: Any, precision: Any, high: bool) -> Any:
    if a is None:
        return None
    if isinstance(a, Quantity):
        v = _boundary(a.value, precision, high)
        return None if v is None else Quantity(v, a.unit)
    if isinstance(a, int) and not isinstance(a, bool):
        a = Decimal(int(a))
    if isinstance(a, Decimal):
        places = DECIMAL_SCALE if precision is None else int(precision)
        if places < 0 or places > DECIMAL_SCALE:
            return None
        exp = a.as_tuple().exponent
        given = max(0, -exp) if isinstance(exp, int) else 0
        q = Decimal(1).scaleb(-places)
        if given >= places:
            return a.quantize(q, rounding=ROUND_DOWN)
        # the unknown trailing digits range from 0...0 to 9...9
        spread = Decimal(1).scaleb(-given) - q
        toward_high = (a >= 0) == high
        return (a + (spread if a >= 0 else -spread)).quantize(q) if toward_high else a.quantize(q)
    if is_temporal(a):
        # date/time boundaries belong to the temporal module (imported lazily)
        from fhirrules.cql.operators import temporal
        return (temporal.high_boundary if high else temporal.low_boundary)(a, precision)
    raise CqlRuntimeError(f"boundaries are not defined for {_tname(a)}")


def LowBoundary(a: Any, precision: Any = None) -> Any:
    return _boundary(a, precision, high=False)


def HighBoundary(a: Any, precision: Any = None) -> Any:
    return _boundary(a, precision, high=True)


def _tname(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "Boolean"
    if type(x) is Long:
        return "Long"
    if isinstance(x, int):
        return "Integer"
    if isinstance(x, Decimal):
        return "Decimal"
    if isinstance(x, str):
        return "String"
    return type(x).__name__


OPERATORS: dict[str, Callable[..., Any]] = {
    "Add": Add, "Subtract": Subtract, "Multiply": Multiply, "Divide": Divide,
    "TruncatedDivide": TruncatedDivide, "Modulo": Modulo, "Power": Power, "Negate": Negate,
    "Abs": Abs, "Ceiling": Ceiling, "Floor": Floor, "Truncate": Truncate, "Round": Round,
    "Ln": Ln, "Log": Log, "Exp": Exp, "Successor": Successor, "Predecessor": Predecessor,
    "MinValue": MinValue, "MaxValue": MaxValue, "Precision": Precision,
    "LowBoundary": LowBoundary, "HighBoundary": HighBoundary,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "Abs": Abs, "Ceiling": Ceiling, "Floor": Floor, "Truncate": Truncate, "Round": Round,
    "Ln": Ln, "Log": Log, "Exp": Exp, "Power": Power, "Precision": Precision,
    "LowBoundary": LowBoundary, "HighBoundary": HighBoundary, "Successor": Successor,
    "Predecessor": Predecessor,
}
