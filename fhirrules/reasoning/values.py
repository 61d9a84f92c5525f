"""CQL System values -> FHIR JSON (what a dynamicValue writes into a resource).

Quantity -> Quantity {value, unit, system: UCUM, code}; Code -> Coding; Concept ->
CodeableConcept; Date/DateTime/Time -> their FHIR string; Interval -> Period (temporal
bounds) or Range (quantity bounds); Ratio -> Ratio; Decimal -> JSON number; Tuple ->
object; List -> array.  FHIR values the binding returns (plain dicts) pass through."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.temporal import is_temporal

UCUM = "http://unitsofmeasure.org"

# CQL calendar duration words and their UCUM codes (the spec's definite-duration table).
CALENDAR_TO_UCUM = {"year": "a", "month": "mo", "week": "wk", "day": "d", "hour": "h",
                    "minute": "min", "second": "s", "millisecond": "ms"}


def number(value: Decimal | int | float) -> int | float:
    """A JSON number.  Only a Decimal written without fractional digits becomes an int;
    ``2.0`` stays a float because FHIR keeps the precision the author wrote."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        return float(value)
    return value


def temporal_string(value: Any) -> str | None:
    """The FHIR spelling of a CQL Date/DateTime/Time (anything with ``cql_str``/``isoformat``)."""
    text = None
    if hasattr(value, "cql_str"):
        text = value.cql_str()
    elif hasattr(value, "isoformat"):
        return value.isoformat()
    if text is None:
        return None
    text = text.lstrip("@")
    if text.startswith("T"):      # Time literal @T10:00
        return text[1:]
    if text.endswith("T"):        # DateTime with date precision @2014-01-01T
        return text[:-1]
    return text


def quantity(q: Quantity) -> dict:
    unit = q.unit or "1"
    code = CALENDAR_TO_UCUM.get(unit, unit)
    out: dict[str, Any] = {}
    if q.value is not None:
        out["value"] = number(q.value)
    out.update({"unit": unit, "system": UCUM, "code": code})
    return out


def coding(c: Code) -> dict:
    out = {k: v for k, v in (("system", c.system), ("version", c.version),
                             ("code", c.code), ("display", c.display)) if v is not None}
    return out


def to_fhir(value: Any) -> Any:
    """Convert one evaluated CQL value to its FHIR JSON form."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value
    if isinstance(value, Quantity):
        return quantity(value)
    if isinstance(value, Code):
        return coding(value)
    if isinstance(value, Concept):
        out: dict[str, Any] = {"coding": [coding(c) for c in value.codes]}
        if value.display:
            out["text"] = value.display
        return out
    if isinstance(value, Ratio):
        return {"numerator": quantity(value.numerator), "denominator": quantity(value.denominator)}
    if isinstance(value, Interval):
        return interval(value)
    if is_temporal(value):
        return temporal_string(value)
    if isinstance(value, dict):   # CqlTuple or a FHIR element from the binding
        return {k: to_fhir(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_fhir(v) for v in value if v is not None]
    unwrap = getattr(value, "to_json", None) or getattr(value, "as_json", None)
    if callable(unwrap):
        return unwrap()
    return str(value)


def interval(iv: Interval) -> dict:
    low, high = iv.low, iv.high
    if isinstance(low, Quantity) or isinstance(high, Quantity):
        out = {}
        if low is not None:
            out["low"] = quantity(low)
        if high is not None:
            out["high"] = quantity(high)
        return out
    out = {}
    if low is not None:
        out["start"] = to_fhir(low)
    if high is not None:
        out["end"] = to_fhir(high)
    return out


def truthy_condition(value: Any) -> bool | None:
    """The Boolean a condition produced: lists of one element (FHIRPath) are unwrapped;
    anything not a Boolean gives ``None`` (the caller reports it)."""
    if isinstance(value, list):
        if len(value) == 1:
            value = value[0]
        elif not value:
            return None
    return value if type(value) is bool else None
