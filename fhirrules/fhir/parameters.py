"""Parameter values given as text (CLI ``--param NAME=VALUE``, service configuration).

The text is first read as CQL (``Interval[@2019-01-01, @2020-01-01)``, ``5 'mg'``,
``true``, ``'text'``), evaluated in the library's scope.  Text that is not CQL is read as
JSON and converted to the parameter's declared type: ``{"low": "2019-01-01", "high":
"2019-12-31"}`` for an ``Interval<DateTime>``, ``{"value": 5, "unit": "mg"}`` for a
Quantity, ``{"code": .., "system": ..}`` for a Code, ``"2019-01-01"`` for a Date.  For a
String parameter, bare text is taken as it is."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

import orjson

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlError, CqlSemanticError
from fhirrules.cql.types.clinical import Code, Concept
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.temporal import Date, DateTime, Time
from fhirrules.cql.types.tuple import CqlTuple
from fhirrules.fhir.temporal_adapter import parse_date, parse_datetime, parse_time


def declared_type(library: Any, name: str) -> Optional[ast.TypeSpec]:
    tree = getattr(library, "ast", None)
    for p in getattr(tree, "parameters", None) or ():
        if p.name == name:
            return p.type
    return None


def _named(spec: Optional[ast.TypeSpec]) -> Optional[str]:
    return spec.name if isinstance(spec, ast.NamedTypeSpec) else None


def _temporal(parser: Callable[[str], Any]) -> Callable[[Any], Any]:
    return lambda v: parser(str(v).lstrip("@"))


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "String": str,
    "Boolean": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
    "Integer": int,
    "Decimal": lambda v: Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v)),
    "Date": _temporal(parse_date),
    "DateTime": _temporal(parse_datetime),
    "Time": _temporal(parse_time),
    "Quantity": lambda v: Quantity(Decimal(str(v["value"])), v.get("unit") or v.get("code") or "1"),
    "Code": lambda v: Code(v.get("code"), v.get("system"), v.get("version"), v.get("display")),
    "Concept": lambda v: Concept([Code(c.get("code"), c.get("system"), c.get("version"), c.get("display"))
                                  for c in v.get("codes") or v.get("coding") or []], v.get("display") or v.get("text")),
}


def from_json(value: Any, spec: Optional[ast.TypeSpec]) -> Any:
    """A JSON value converted to the declared CQL type (untyped: by its JSON shape)."""
    if value is None:
        return None
    if isinstance(spec, ast.ListTypeSpec):
        items = value if isinstance(value, list) else [value]
        return [from_json(v, spec.element) for v in items]
    if isinstance(spec, ast.IntervalTypeSpec):
        if not isinstance(value, dict):
            raise CqlSemanticError(f"an Interval parameter needs an object with low/high, not {value!r}")
        return Interval(from_json(value.get("low"), spec.point), from_json(value.get("high"), spec.point),
                        bool(value.get("lowClosed", True)), bool(value.get("highClosed", True)))
    if isinstance(spec, ast.TupleTypeSpec):
        types = dict(spec.elements)
        return CqlTuple({k: from_json(v, types.get(k)) for k, v in value.items()})
    conv = _SCALARS.get(_named(spec) or "")
    if conv is not None:
        try:
            return conv(value)
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as e:
            raise CqlSemanticError(f"{value!r} is not a {_named(spec)} ({e})") from None
        except CqlError as e:
            raise CqlSemanticError(f"{value!r} is not a {_named(spec)} ({e.message})") from None
    return _untyped(value)


def _untyped(value: Any) -> Any:
    if isinstance(value, dict) and "resourceType" in value:
        return value                # a FHIR resource stays the model's plain dict
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, list):
        return [_untyped(v) for v in value]
    if isinstance(value, dict):
        if "value" in value and set(value) <= {"value", "unit", "code", "system"}:
            return _SCALARS["Quantity"](value)
        return CqlTuple({k: _untyped(v) for k, v in value.items()})
    return value


def parameter_value(engine: Any, library: Any, name: str, text: str, ctx: Any) -> Any:
    """The value of parameter ``name`` given as ``text`` (CQL first, then JSON)."""
    known = getattr(library, "parameter_names", None)
    if known is not None and name not in known:
        raise CqlSemanticError(f"library {library.name} has no parameter {name!r} "
                               f"(it has: {', '.join(known) or 'none'})")
    spec = declared_type(library, name)
    try:
        value = engine.compile_expression(text, library=library)(ctx)
    except CqlError as cql_error:
        try:
            return from_json(orjson.loads(text), spec)
        except orjson.JSONDecodeError:
            if _named(spec) == "String":
                return text
            raise CqlSemanticError(f"parameter {name!r}: {text!r} is neither CQL nor JSON "
                                   f"({cql_error.message})") from None
    return coerce(value, spec, name)


# CQL's implicit widenings a parameter value may need to reach its declared type
_WIDEN: dict[tuple[type, str], Callable[[Any], Any]] = {
    (Date, "DateTime"): lambda d: d.to_datetime(),
    (int, "Decimal"): Decimal,
    (int, "Long"): Long,
    (Decimal, "Quantity"): lambda d: Quantity(d, "1"),
    (int, "Quantity"): lambda i: Quantity(Decimal(i), "1"),
    (Code, "Concept"): lambda c: Concept([c]),
}
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "Boolean": (bool,), "Integer": (int,), "Long": (int,), "Decimal": (Decimal,), "String": (str,),
    "Date": (Date,), "DateTime": (DateTime,), "Time": (Time,), "Quantity": (Quantity,),
    "Code": (Code,), "Concept": (Concept,), "Ratio": (Ratio,),
}


def coerce(value: Any, spec: Optional[ast.TypeSpec], name: str) -> Any:
    """``value`` as the declared type: implicit widenings (Date -> DateTime in an
    ``Interval<DateTime>``, Integer -> Decimal), a clear error for a plain mismatch."""
    if value is None or spec is None:
        return value
    if isinstance(spec, ast.IntervalTypeSpec) and isinstance(value, Interval):
        return Interval(coerce(value.low, spec.point, name), coerce(value.high, spec.point, name),
                        value.low_closed, value.high_closed)
    if isinstance(spec, ast.ListTypeSpec) and isinstance(value, list):
        return [coerce(v, spec.element, name) for v in value]
    if isinstance(spec, (ast.IntervalTypeSpec, ast.ListTypeSpec)):
        kind = "an Interval" if isinstance(spec, ast.IntervalTypeSpec) else "a List"
        raise CqlSemanticError(f"parameter {name!r} is declared {kind} but the value given is a "
                               f"{type(value).__name__}")
    tname = _named(spec) or ""
    expected = _PYTHON_TYPES.get(tname)
    is_bool = type(value) is bool
    if expected is None or (isinstance(value, expected) and is_bool == (tname == "Boolean")):
        return value
    widen = None if is_bool else _WIDEN.get((int if isinstance(value, int) else type(value), tname))
    if widen is not None:
        return widen(value)
    raise CqlSemanticError(f"parameter {name!r} is declared {tname} but the value given is a "
                           f"{type(value).__name__}")
