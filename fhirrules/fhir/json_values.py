"""CQL results as JSON values (``fhirrules cql --format json``, the CDS service, ...).

Booleans, numbers and strings as JSON; Decimals as JSON numbers (exact text kept: an
int when integral, else a float built from the decimal text); lists as arrays;
resources as ``{"resourceType": ..., "id": ...}``; Date/DateTime/Time as ``@``-prefixed
ISO text; Quantity as ``{"value", "unit"}``; Ratio as ``{"numerator", "denominator"}``;
Interval as ``{"low", "high", "lowClosed", "highClosed"}``; Code as ``{"code",
"system", "version", "display"}`` (nulls omitted), Concept as ``{"codes", "display"}``;
Tuple as an object; FHIR elements with a FHIRHelpers conversion (Quantity, Coding,
Period ...) as the System value, other FHIR elements as their JSON; FHIR primitives as their System value."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.errors import CqlError
from fhirrules.fhir.helpers import element_to_system
from fhirrules.fhir.values import FhirElement, FhirPrimitive


def _decimal(d: Decimal) -> int | float:
    if d == d.to_integral_value() and abs(d) < 2 ** 53:
        return int(d)
    return float(d)


def to_json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, float):
        return value
    if type(value) is dict and "resourceType" in value:
        return {"resourceType": value["resourceType"], "id": value.get("id")}
    if isinstance(value, dict):                                       # CqlTuple
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json_value(v) for v in value]
    if isinstance(value, FhirPrimitive):
        return to_json_value(value.value)
    if isinstance(value, FhirElement):
        # a FHIR Quantity/Coding/Period... renders as the System value it converts to
        try:
            converted = element_to_system(value)
        except CqlError:            # e.g. a Quantity with a comparator
            converted = value
        return value.data if converted is value else to_json_value(converted)
    if isinstance(value, Quantity):
        return {"value": None if value.value is None else _decimal(value.value), "unit": value.unit}
    if isinstance(value, Ratio):
        return {"numerator": to_json_value(value.numerator),
                "denominator": to_json_value(value.denominator)}
    if isinstance(value, Interval):
        return {"low": to_json_value(value.low), "high": to_json_value(value.high),
                "lowClosed": value.low_closed, "highClosed": value.high_closed}
    if isinstance(value, Code):
        return {k: v for k, v in (("code", value.code), ("system", value.system),
                                  ("version", value.version), ("display", value.display))
                if v is not None}
    if isinstance(value, Concept):
        out: dict = {"codes": [to_json_value(c) for c in value.codes]}
        if value.display is not None:
            out["display"] = value.display
        return out
    if isinstance(value, (ValueSetRef, CodeSystemRef)):
        return {"id": value.id, "version": value.version}
    if hasattr(value, "cql_str"):
        text = value.cql_str()
        return text if text.startswith("@") else "@" + text
    return str(value)
