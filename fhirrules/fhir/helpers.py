"""FHIRHelpers 4.0.1, natively: the conversions from FHIR types to System types.

These are the functions ``include FHIRHelpers version '4.0.1'`` makes callable
(``FHIRHelpers.ToConcept(x)``) and the implicit conversions the model applies when a
System operator meets a FHIR value.  Written from the CQL/FHIR specifications:

- Coding -> Code, CodeableConcept -> Concept (display = text)
- Quantity (and Age, Duration, Distance, Count, SimpleQuantity) -> Quantity; the unit
  is the UCUM code, else the unit text, else '1'; UCUM calendar codes (a, mo, wk, d, h,
  min, s, ms) become the CQL calendar words.  A quantity with a comparator has no exact
  value, so ToQuantity refuses it (a run-time error) and ToInterval turns it into the
  half-bounded interval it means (``< 5`` -> ``Interval[null, 5)``).
- Period -> Interval<DateTime> (a missing start is an open null bound, a missing end a
  closed null bound, i.e. "still going"), Range -> Interval<Quantity>, Ratio -> Ratio
- primitives -> their System value."""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.fhir.primitives import parse_date, parse_datetime, parse_time, to_decimal, to_string
from fhirrules.fhir.typeinfo import QUANTITY_TYPES, is_subtype
from fhirrules.fhir.values import FhirElement, FhirPrimitive

UCUM = "http://unitsofmeasure.org"
CALENDAR_SYSTEM = "http://hl7.org/fhirpath/CodeSystem/calendar-units"
UCUM_CALENDAR = {"a": "year", "mo": "month", "wk": "week", "d": "day", "h": "hour",
                 "min": "minute", "s": "second", "ms": "millisecond"}
COMPARATOR_INTERVALS = {"<": (False, False), "<=": (False, True),
                        ">": (True, False), ">=": (True, True)}


def _data(value: Any) -> Optional[dict]:
    """The JSON object behind a FHIR complex value (wrapper or bare dict)."""
    if value is None:
        return None
    if isinstance(value, FhirElement):
        return value.data
    if isinstance(value, dict):
        return value
    raise CqlRuntimeError(f"expected a FHIR element, found {type(value).__name__}")


def _prim(value: Any) -> Any:
    """The System value of a primitive argument (wrapper, or already a System value)."""
    return value.value if isinstance(value, FhirPrimitive) else value


def to_code(coding: Any) -> Optional[Code]:
    if isinstance(coding, Code):
        return coding           # already converted (the engine may convert arguments first)
    d = _data(coding)
    if d is None:
        return None
    code = d.get("code")
    return Code(None if code is None else to_string(code), d.get("system"),
                d.get("version"), d.get("display"))


def to_concept(concept: Any) -> Optional[Concept]:
    if isinstance(concept, Concept):
        return concept
    d = _data(concept)
    if d is None:
        return None
    codes = [to_code(c) for c in d.get("coding") or () if isinstance(c, dict)]
    return Concept(codes, d.get("text"))


def _unit(d: dict) -> str:
    system = d.get("system")
    if system not in (None, UCUM, CALENDAR_SYSTEM):
        raise CqlRuntimeError(f"FHIR Quantity with unit system {system!r} cannot be converted "
                              "to a CQL Quantity (only UCUM units are supported)")
    unit = d.get("code")
    if unit is None:
        unit = d.get("unit")
    unit = "1" if unit in (None, "") else to_string(unit)
    return UCUM_CALENDAR.get(unit, unit)


def _quantity(d: dict) -> Optional[Quantity]:
    if d.get("value") is None:
        return None
    return Quantity(to_decimal(d["value"]), _unit(d))


def to_quantity(quantity: Any) -> Optional[Quantity]:
    if isinstance(quantity, Quantity):
        return quantity
    d = _data(quantity)
    if d is None:
        return None
    if d.get("comparator") is not None:
        raise CqlRuntimeError(
            f"FHIR Quantity '{d.get('comparator')} {d.get('value')}' has a comparator and cannot "
            "be converted to a System Quantity (use ToInterval)")
    return _quantity(d)


def to_ratio(ratio: Any) -> Optional[Ratio]:
    if isinstance(ratio, Ratio):
        return ratio
    d = _data(ratio)
    if d is None:
        return None
    num, den = d.get("numerator"), d.get("denominator")
    return Ratio(to_quantity(num), to_quantity(den))


def _period(d: dict) -> Interval:
    start, end = d.get("start"), d.get("end")
    low = parse_datetime(start) if start is not None else None
    high = parse_datetime(end) if end is not None else None
    return Interval(low, high, start is not None, True)


def _range(d: dict) -> Interval:
    low, high = d.get("low"), d.get("high")
    return Interval(to_quantity(low) if low else None, to_quantity(high) if high else None,
                    True, True)


def _quantity_interval(d: dict) -> Optional[Interval]:
    q = _quantity(d)
    if q is None:
        return None
    comparator = d.get("comparator")
    if comparator is None:
        return Interval(q, q, True, True)
    if comparator not in COMPARATOR_INTERVALS:
        raise CqlRuntimeError(f"invalid Quantity comparator {comparator!r}")
    bounded_low, closed = COMPARATOR_INTERVALS[comparator]
    if bounded_low:        # > 5 : (5, null]
        return Interval(q, None, closed, True)
    return Interval(None, q, True, closed)


def to_interval(value: Any) -> Optional[Interval]:
    """Period -> Interval<DateTime>; Range -> Interval<Quantity>; Quantity (with a
    comparator) -> the interval it denotes."""
    if value is None or isinstance(value, Interval):
        return value
    d = _data(value)
    type_name = value.type if isinstance(value, FhirElement) else _guess_type(d)
    if type_name in QUANTITY_TYPES or is_subtype(type_name, "FHIR.Quantity"):
        return _quantity_interval(d)
    if is_subtype(type_name, "FHIR.Range"):
        return _range(d)
    return _period(d)


def _guess_type(d: dict) -> str:
    """Type of a bare dict handed to ToInterval (no wrapper): by its keys."""
    if "low" in d or "high" in d:
        return "FHIR.Range"
    if "value" in d:
        return "FHIR.Quantity"
    return "FHIR.Period"


ELEMENT_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "FHIR.Coding": to_code,
    "FHIR.CodeableConcept": to_concept,
    "FHIR.Period": lambda e: _period(e.data),
    "FHIR.Range": lambda e: _range(e.data),
    "FHIR.Ratio": to_ratio,
    **{t: to_quantity for t in QUANTITY_TYPES},
}


def element_to_system(element: FhirElement) -> Any:
    """The implicit conversion of a complex FHIR element; elements without one (Reference,
    HumanName, ...) stay as they are."""
    conv = ELEMENT_CONVERSIONS.get(element.type)
    return conv(element) if conv is not None else element


def to_system(value: Any) -> Any:
    """Implicit FHIR -> System conversion of any value (lists element-wise)."""
    if isinstance(value, FhirPrimitive):
        return value.value
    if isinstance(value, FhirElement):
        return element_to_system(value)
    if type(value) is list:
        return [to_system(v) for v in value]
    return value


def _primitive_fn(name: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        return _prim(value)
    convert.__name__ = name
    return convert


def _parsing(parse: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A primitive conversion that also accepts the bare JSON text (a dict-level caller)."""
    def convert(value: Any) -> Any:
        v = _prim(value)
        return parse(v) if isinstance(v, str) else v
    return convert


_to_datetime = _parsing(parse_datetime)


def _to_string(value: Any) -> Optional[str]:
    v = _prim(value)
    return None if v is None else (v if isinstance(v, str) else to_string(v))


def _to_value(value: Any) -> Any:
    """FHIRHelpers.ToValue: a choice value to its System counterpart."""
    return to_system(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ToCode": to_code,
    "ToConcept": to_concept,
    "ToQuantity": to_quantity,
    "ToQuantityIgnoringComparator": lambda q: None if _data(q) is None else _quantity(_data(q)),
    "ToRatio": to_ratio,
    "ToInterval": to_interval,
    "ToString": _to_string,
    "ToBoolean": _primitive_fn("ToBoolean"),
    "ToInteger": _primitive_fn("ToInteger"),
    "ToDecimal": _primitive_fn("ToDecimal"),
    "ToDate": _parsing(parse_date),
    "ToDateTime": _to_datetime,
    "ToTime": _parsing(parse_time),
    "ToValue": _to_value,
    "ToCalendarUnit": lambda unit: None if unit is None else UCUM_CALENDAR.get(unit, unit),
}


def register_fhirhelpers(engine: Any) -> None:
    """Make ``include FHIRHelpers version '4.0.1'`` resolve to these functions.  The
    engine looks in the user's library paths first, so a FHIRHelpers.cql supplied there
    takes precedence."""
    engine.register_native_library("FHIRHelpers", "4.0.1", functions=dict(FUNCTIONS))
