"""Conversions between FHIRPath items (typed FHIR ``Node``s and System values) and the
CQL System types the operators work on, plus FHIRPath's collection-to-value rules."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.typesys import NamedType, type_of
from fhirrules.fhir.fhirpath.nodes import PRIMITIVE_SYSTEM_TYPE, Node

UCUM = "http://unitsofmeasure.org"
# FHIRPath's calendar keywords next to the UCUM codes they stand for in FHIR Quantities
_UCUM_TO_CALENDAR = {"a": "year", "mo": "month", "wk": "week", "d": "day", "h": "hour",
                     "min": "minute", "s": "second", "ms": "millisecond"}


def parse_temporal(kind: str, text: str) -> Any:
    from fhirrules.cql.types.temporal import parse_temporal_literal
    if kind == "Time" and not text.startswith("T"):
        text = "T" + text
    if kind == "DateTime" and "T" not in text:
        text = text + "T"
    return parse_temporal_literal(text)


def to_system(item: Any) -> Any:
    """A FHIR primitive or Quantity node as its System value; anything else unchanged."""
    if not isinstance(item, Node):
        return item
    t = item.type
    kind = PRIMITIVE_SYSTEM_TYPE.get(t)
    if kind is not None:
        v = item.value
        if v is None:
            return None
        if kind in ("Date", "DateTime", "Time"):
            try:
                return parse_temporal(kind, v)
            except Exception:
                return None
        if kind == "Decimal":
            return v if isinstance(v, Decimal) else Decimal(str(v))
        return v
    if t in ("Quantity", "Age", "Duration", "Distance", "Count", "SimpleQuantity", "MoneyQuantity"):
        q = item.value
        if not isinstance(q, dict) or q.get("value") is None:
            return item
        value = q["value"] if isinstance(q["value"], Decimal) else Decimal(str(q["value"]))
        unit = q.get("code") or q.get("unit") or "1"
        if q.get("system") == UCUM and unit in _UCUM_TO_CALENDAR and q.get("unit") in _CALENDAR_WORDS:
            unit = _UCUM_TO_CALENDAR[unit]
        return Quantity(value, unit)
    return item


_CALENDAR_WORDS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
                   "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"}


def singleton(items: list, what: str = "value") -> Any:
    """The single item of a collection (None for empty); more than one is an error."""
    if not items:
        return None
    if len(items) > 1:
        raise CqlRuntimeError(f"expected a single {what} but the collection has {len(items)} items")
    return items[0]


def to_boolean(items: list) -> Optional[bool]:
    """FHIRPath singleton evaluation of collections as a Boolean."""
    if not items:
        return None
    if len(items) > 1:
        raise CqlRuntimeError(f"expected a single Boolean but the collection has {len(items)} items")
    v = to_system(items[0])
    if isinstance(v, bool):
        return v
    return True


# FHIRPath's System types (its spec, "Models"): the CQL System types minus Ratio and the
# clinical ones, which FHIRPath does not have.
_FHIRPATH_SYSTEM_TYPES = frozenset({"Boolean", "Integer", "Long", "Decimal", "String", "Quantity",
                                    "Date", "DateTime", "Time"})


def system_type_name(value: Any) -> Optional[str]:
    """The FHIRPath System type name of a System value, or None for anything else (FHIR
    nodes, lists, CQL-only types).  Built on typesys.type_of so CQL and FHIRPath name a
    value's type in one place."""
    t = type_of(value)
    if isinstance(t, NamedType) and t.name in _FHIRPATH_SYSTEM_TYPES:
        return t.name
    return None
