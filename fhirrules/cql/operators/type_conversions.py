"""Type conversion operators (spec 09-b "Type Operators": ToX, ConvertsToX,
ConvertQuantity).  A conversion that cannot be done gives null, never an error, except
ConvertQuantity to a unit the quantity cannot be expressed in (spec 1.4: an error)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.operators.comparison import is_temporal
from fhirrules.cql.types import ucum
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.primitives import Long, fits_integer, fits_long, normalize_decimal
from fhirrules.cql.types.quantity import CALENDAR_UNITS, Quantity
from fhirrules.cql.types.ratio import Ratio

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?\d+(\.\d+)?")
_QTY = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*(?:'([^']*)'|([A-Za-z]+))?\s*")


def ToBoolean(x: Any) -> Optional[bool]:
    if x is None or isinstance(x, bool):
        return x
    if isinstance(x, str):
        s = x.strip().lower()
        return True if s in _TRUE else (False if s in _FALSE else None)
    if isinstance(x, (int, Decimal)):
        return True if x == 1 else (False if x == 0 else None)
    return None


def ToInteger(x: Any) -> Optional[int]:
    if x is None:
        return None
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return int(x) if fits_integer(int(x)) else None
    if isinstance(x, str) and _INT.fullmatch(x.strip()):
        v = int(x.strip())
        return v if fits_integer(v) else None
    return None


def ToLong(x: Any) -> Optional[Long]:
    if x is None:
        return None
    if isinstance(x, bool):
        return Long(int(x))
    if isinstance(x, int):
        return Long(x)
    if isinstance(x, str) and _INT.fullmatch(x.strip()):
        v = int(x.strip())
        return Long(v) if fits_long(v) else None
    return None


def ToDecimal(x: Any) -> Optional[Decimal]:
    if x is None:
        return None
    if isinstance(x, bool):
        return Decimal("1.0") if x else Decimal("0.0")
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(int(x))
    if isinstance(x, str) and _DEC.fullmatch(x.strip()):
        try:
            return normalize_decimal(Decimal(x.strip()))
        except InvalidOperation:
            return None
    return None


def _unit(text: Optional[str], word: Optional[str]) -> Optional[str]:
    if word is not None:
        w = word.lower()
        w = w[:-1] if w.endswith("s") and w[:-1] in CALENDAR_UNITS else w
        return w if w in CALENDAR_UNITS else None
    if text is None:
        return "1"
    return text if ucum.is_valid_unit(text) else None


def ToQuantity(x: Any) -> Optional[Quantity]:
    """Numbers become unitless quantities; strings like ``5.5 'cm'`` or ``3 days``
    parse (an invalid UCUM unit gives null)."""
    if x is None or isinstance(x, Quantity):
        return x
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, Decimal)):
        return Quantity(Decimal(x) if isinstance(x, int) else x, "1")
    if isinstance(x, Ratio):
        from fhirrules.cql.operators.arithmetic import Divide
        return Divide(x.numerator, x.denominator)
    if isinstance(x, str):
        m = _QTY.fullmatch(x)
        if not m:
            return None
        unit = _unit(m.group(2), m.group(3))
        if unit is None:
            return None
        value = normalize_decimal(Decimal(m.group(1)))
        return None if value is None else Quantity(value, unit)
    return None


def ToRatio(x: Any) -> Optional[Ratio]:
    if x is None or isinstance(x, Ratio):
        return x
    if isinstance(x, str) and ":" in x:
        left, _, right = x.partition(":")
        n, d = ToQuantity(left), ToQuantity(right)
        return None if n is None or d is None else Ratio(n, d)
    return None


def decimal_text(d: Decimal) -> str:
    """Plain notation (never exponent form: Power(10, -8) is '0.00000001')."""
    return format(d, "f")


def ToString(x: Any) -> Optional[str]:
    if x is None or isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(int(x))
    if isinstance(x, Decimal):
        return decimal_text(x)
    if isinstance(x, Quantity):
        return f"{decimal_text(x.value)} '{x.unit}'"
    if isinstance(x, Ratio):
        return f"{ToString(x.numerator)}:{ToString(x.denominator)}"
    if is_temporal(x):
        return str(x)
    return None


def ToConcept(x: Any) -> Optional[Concept]:
    """A Code, or a list of Codes, as a Concept."""
    if x is None or isinstance(x, Concept):
        return x
    if isinstance(x, Code):
        return Concept([x])
    if isinstance(x, list):
        codes = [c for c in x if c is not None]
        return Concept(codes) if codes else None
    return None


# ----------------------------------------------------------------- temporals
def _temporal_op(name: str) -> Optional[Callable[[Any], Any]]:
    """The temporal module's own conversion, when it provides one (imported lazily:
    it is written in parallel)."""
    try:
        from fhirrules.cql.operators import temporal as t  # type: ignore[attr-defined]
    except ImportError:
        return None
    for table in ("FUNCTIONS", "OPERATORS"):
        fn = getattr(t, table, {}).get(name)
        if fn is not None:
            return fn
    return getattr(t, name, None)


def ToDateTime(x: Any) -> Any:
    fn = _temporal_op("ToDateTime")
    if fn is not None:
        return fn(x)
    if x is None:
        return None
    from fhirrules.cql.types import temporal as tt
    if isinstance(x, str):
        return tt.parse_iso_datetime(x)
    if isinstance(x, tt.DateTime):
        return x
    if isinstance(x, tt.Date):
        return x.to_datetime()
    return None


def ToDate(x: Any) -> Any:
    fn = _temporal_op("ToDate")
    if fn is not None:
        return fn(x)
    if x is None:
        return None
    from fhirrules.cql.types import temporal as tt
    if isinstance(x, str):
        return tt.parse_iso_date(x) or _date_of(tt.parse_iso_datetime(x))
    if isinstance(x, tt.Date):
        return x
    if isinstance(x, tt.DateTime):
        return x.date()
    return None


def _date_of(dt: Any) -> Any:
    return None if dt is None else dt.date()


def ToTime(x: Any) -> Any:
    fn = _temporal_op("ToTime")
    if fn is not None:
        return fn(x)
    if x is None:
        return None
    from fhirrules.cql.types import temporal as tt
    if isinstance(x, str):
        return tt.parse_iso_time(x)
    if isinstance(x, tt.Time):
        return x
    return None


# ------------------------------------------------------------ ConvertsTo*
def _converts(fn: Callable[[Any], Any]) -> Callable[[Any], Optional[bool]]:
    def converts(x: Any) -> Optional[bool]:
        if x is None:
            return None
        try:
            return fn(x) is not None
        except CqlRuntimeError:
            return False
    converts.__name__ = "ConvertsTo" + fn.__name__[2:]
    return converts


# ------------------------------------------------------------ quantities
def ConvertQuantity(q: Optional[Quantity], unit: Optional[str]) -> Optional[Quantity]:
    """``convert q to 'unit'``: an error when the units measure different things (mg/dL
    to umol/L needs a molar mass, which is clinical knowledge, not unit algebra)."""
    if q is None or unit is None:
        return None
    if q.value is None:
        return None
    target = Quantity(0, unit).unit      # singular calendar words
    v = ucum.convert(q.value, q.unit, target)
    if v is None:
        raise CqlRuntimeError(_why_not(q.unit, target))
    return Quantity(normalize_decimal(v), target)


def _why_not(src: str, dst: str) -> str:
    for u in (src, dst):
        if not ucum.is_valid_unit(u):
            return f"cannot convert {src!r} to {dst!r}: {u!r} is not a UCUM unit"
    if {src, dst} & {"year", "month"}:
        return (f"cannot convert {src!r} to {dst!r}: calendar years and months have no fixed "
                f"length in definite-duration units")
    return (f"cannot convert {src!r} to {dst!r}: the units measure different kinds of quantity "
            f"(e.g. mass and amount of substance need a molar mass, which is clinical "
            f"knowledge, not unit algebra)")


def CanConvertQuantity(q: Optional[Quantity], unit: Optional[str]) -> Optional[bool]:
    if q is None or unit is None:
        return None
    return ucum.conversion_factor(q.unit, Quantity(0, unit).unit) is not None


_CONVERSIONS: dict[str, Callable[..., Any]] = {
    "ToBoolean": ToBoolean, "ToInteger": ToInteger, "ToLong": ToLong, "ToDecimal": ToDecimal,
    "ToQuantity": ToQuantity, "ToRatio": ToRatio, "ToString": ToString,
    "ToConcept": ToConcept, "ToDate": ToDate, "ToDateTime": ToDateTime, "ToTime": ToTime,
}
OPERATORS: dict[str, Callable[..., Any]] = dict(_CONVERSIONS)
OPERATORS.update({"ConvertsTo" + k[2:]: _converts(f) for k, f in _CONVERSIONS.items()
                  if k != "ToConcept"})
OPERATORS.update({"ConvertQuantity": ConvertQuantity, "CanConvertQuantity": CanConvertQuantity})
FUNCTIONS: dict[str, Callable[..., Any]] = dict(OPERATORS)

ConvertsToBoolean = OPERATORS["ConvertsToBoolean"]
ConvertsToInteger = OPERATORS["ConvertsToInteger"]
ConvertsToLong = OPERATORS["ConvertsToLong"]
ConvertsToDecimal = OPERATORS["ConvertsToDecimal"]
ConvertsToQuantity = OPERATORS["ConvertsToQuantity"]
ConvertsToRatio = OPERATORS["ConvertsToRatio"]
ConvertsToString = OPERATORS["ConvertsToString"]
ConvertsToDate = OPERATORS["ConvertsToDate"]
ConvertsToDateTime = OPERATORS["ConvertsToDateTime"]
ConvertsToTime = OPERATORS["ConvertsToTime"]
