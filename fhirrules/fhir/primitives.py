"""JSON value of a FHIR primitive -> System value (the FHIRHelpers primitive
conversions: ToString, ToBoolean, ToInteger, ToDecimal, ToDate, ToDateTime, ToTime).

Lenient where data is sloppy: a number where a string is expected (``"code": 1234``)
becomes its text; a string where a number is expected is parsed.  Values that cannot
mean anything raise CqlRuntimeError naming the type and the text."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.fhir.temporal_adapter import parse_date, parse_datetime, parse_time
from fhirrules.fhir.typeinfo import primitive_system_type


def to_decimal(raw: Any) -> Decimal:
    if type(raw) is float:
        # repr() is the shortest text that round-trips: 0.1 stays 0.1, not 0.1000000000000000055
        return Decimal(repr(raw))
    if type(raw) is bool:
        raise CqlRuntimeError(f"expected a decimal, found {raw!r}")
    try:
        return Decimal(raw) if isinstance(raw, (int, str)) else Decimal(str(raw))
    except InvalidOperation:
        raise CqlRuntimeError(f"invalid FHIR decimal {raw!r}") from None


def to_string(raw: Any) -> str:
    if type(raw) is str:
        return raw
    if type(raw) is bool:
        return "true" if raw else "false"
    if type(raw) is float:
        return repr(raw)
    return str(raw)


def _to_integer(raw: Any) -> int:
    if type(raw) is int:
        return raw
    try:
        return int(str(raw))
    except ValueError:
        raise CqlRuntimeError(f"invalid FHIR integer {raw!r}") from None


def _to_boolean(raw: Any) -> bool:
    if type(raw) is bool:
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    raise CqlRuntimeError(f"invalid FHIR boolean {raw!r}")


SYSTEM_CONVERTERS = {
    "System.String": to_string,
    "System.Boolean": _to_boolean,
    "System.Integer": _to_integer,
    "System.Decimal": to_decimal,
    "System.Date": parse_date,
    "System.DateTime": parse_datetime,
    "System.Time": parse_time,
}


def system_value(system_type: str, raw: Any) -> Any:
    if raw is None:
        return None
    conv = SYSTEM_CONVERTERS.get(system_type)
    return conv(raw) if conv else raw


def primitive_value(type_name: str, raw: Any) -> Any:
    """System value of a FHIR primitive of type ``type_name`` (e.g. 'FHIR.date')."""
    if raw is None:
        return None
    sys_type = primitive_system_type(type_name)
    if sys_type is None:
        raise CqlRuntimeError(f"{type_name} is not a FHIR primitive type")
    return system_value(sys_type, raw)
