"""Numeric functions (spec 09-b "Arithmetic Operators"): the rounding family, Exp/Ln/
Log, ``minimum``/``maximum`` of a type, Precision and Low/HighBoundary.

Results that cannot be represented are null, except the suite's explicit error cases
(``Exp(1000)``, ``Ln(0)``, ``minimum Boolean``), which raise CqlRuntimeError."""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.arithmetic import integer_result, is_number, to_decimal, type_name
from fhirrules.cql.operators.comparison import is_temporal
from fhirrules.cql.types.primitives import (DECIMAL_CONTEXT, DECIMAL_MAX, DECIMAL_MIN, DECIMAL_SCALE,
                                            INTEGER_MAX, INTEGER_MIN, LONG_MAX, LONG_MIN, Long,
                                            normalize_decimal)
from fhirrules.cql.types.quantity import Quantity


# ---------------------------------------------------------------- rounding family
def _to_integer(a: Any, rounding: str) -> Optional[int]:
    if a is None:
        return None
    if isinstance(a, Decimal):
        return integer_result(int(a.to_integral_value(rounding)), "integer")
    if is_number(a):
        return integer_result(int(a), "integer")
    raise CqlRuntimeError(f"expected a number, got {type_name(a)}")


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
        return normalize_decimal(to_decimal(a).quantize(q, rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------- exp / logs
def Ln(a: Any) -> Optional[Decimal]:
    if a is None:
        return None
    x = to_decimal(a)
    if x == 0:
        raise CqlRuntimeError("Ln(0) is undefined (negative infinity)")
    if x < 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(x.ln())


def Log(a: Any, base: Any) -> Optional[Decimal]:
    if a is None or base is None:
        return None
    x, b = to_decimal(a), to_decimal(base)
    if x <= 0 or b <= 0 or b == 1:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return normalize_decimal(x.ln() / b.ln())


def Exp(a: Any) -> Optional[Decimal]:
    if a is None:
        return None
    with localcontext(DECIMAL_CONTEXT):
        r = normalize_decimal(to_decimal(a).exp())
    if r is None:
        raise CqlRuntimeError(f"Exp({a}) is too large to represent")
    return r


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
    name = type_name(sample)
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
    if is_number(a):
        return 0
    if is_temporal(a):
        table = _T_DIGITS if type(a).__name__ == "Time" else _DT_DIGITS
        return table.get(a.precision)
    raise CqlRuntimeError(f"Precision is not defined for {type_name(a)}")


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
    raise CqlRuntimeError(f"boundaries are not defined for {type_name(a)}")


def LowBoundary(a: Any, precision: Any = None) -> Any:
    return _boundary(a, precision, high=False)


def HighBoundary(a: Any, precision: Any = None) -> Any:
    return _boundary(a, precision, high=True)


_ALL: dict[str, Callable[..., Any]] = {
    "Ceiling": Ceiling, "Floor": Floor, "Truncate": Truncate, "Round": Round, "Ln": Ln,
    "Log": Log, "Exp": Exp, "MinValue": MinValue, "MaxValue": MaxValue, "Precision": Precision,
    "LowBoundary": LowBoundary, "HighBoundary": HighBoundary,
}
OPERATORS: dict[str, Callable[..., Any]] = dict(_ALL)
FUNCTIONS: dict[str, Callable[..., Any]] = {k: v for k, v in _ALL.items()
                                            if k not in ("MinValue", "MaxValue")}
