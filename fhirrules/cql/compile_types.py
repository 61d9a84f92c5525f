"""Type operators: resolving type specifiers, ``is``, ``as``, ``cast ... as``,
``convert ... to`` (a type or a unit), ``minimum``/``maximum`` of a type, and the typed
conversion of parameter values supplied by the caller."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import function, operator, parse_temporal
from fhirrules.cql.compile_literals import const
from fhirrules.cql.compile_convert import system_arg
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity


# ---------------------------------------------------------------- type specifiers
def resolve_type(comp: Any, spec: Any) -> T.CqlType:
    if isinstance(spec, ast.NamedTypeSpec):
        return _named(comp, spec)
    if isinstance(spec, ast.ListTypeSpec):
        return T.ListType(resolve_type(comp, spec.element))
    if isinstance(spec, ast.IntervalTypeSpec):
        return T.IntervalType(resolve_type(comp, spec.point))
    if isinstance(spec, ast.TupleTypeSpec):
        return T.TupleType(tuple((n, resolve_type(comp, t)) for n, t in spec.elements))
    if isinstance(spec, ast.ChoiceTypeSpec):
        return T.ChoiceType(tuple(resolve_type(comp, t) for t in spec.choices))
    raise comp.error(spec, f"not a type specifier: {spec!r}")


def _named(comp: Any, spec: ast.NamedTypeSpec) -> T.CqlType:
    ns, name = spec.namespace, spec.name
    models = comp.state.models
    if ns is not None and "." in ns:
        # a nested model type written with quoted parts: FHIR.CodeSystem."Concept"."Property"
        head, _, rest = ns.partition(".")
        ns, name = head, f"{rest}.{name}"
    if ns is not None and ns not in models and ns != "System":
        # an unqualified nested type (CodeSystem.Concept): the head is a type, not a model
        for mns, m in models.items():
            if m.known_type(f"{ns}.{name}"):
                ns, name = mns, f"{ns}.{name}"
                break
    if ns == "System":
        if name not in T.SYSTEM_TYPE_NAMES:
            raise comp.error(spec, f"System has no type '{name}'" + comp.did_you_mean(name, list(T.SYSTEM_TYPE_NAMES)))
        return T.system(name)
    if ns is not None:
        model = models.get(ns)
        if model is None:
            raise comp.error(spec, f"unknown model '{ns}' (declare it with 'using {ns}')")
        if not model.known_type(name):
            raise comp.error(spec, f"model {ns} has no type '{name}'")
        return T.NamedType(ns, name)
    in_models = [T.NamedType(mns, name) for mns, m in models.items() if m.known_type(name)]
    if name in T.SYSTEM_TYPE_NAMES:
        # A name both System and a model define (Quantity, Ratio, ...) accepts either
        # kind of value: FHIR data carries the model's, literals carry System's.
        return T.ChoiceType((T.system(name), *in_models)) if in_models else T.system(name)
    if in_models:
        return in_models[0]
    raise comp.error(spec, f"Could not resolve type '{name}'" + comp.did_you_mean(name, list(T.SYSTEM_TYPE_NAMES)))


# ---------------------------------------------------------------- is / as / cast
def compile_is(comp: Any, node: ast.IsType, scope: Any) -> tuple:
    fn, _ = comp.expr(node.operand, scope)
    t = resolve_type(comp, node.type)
    check = T.build_check(t)

    def is_(ctx: Any) -> bool:
        v = fn(ctx)
        return v is not None and check(v, ctx.models)
    return is_, T.BOOLEAN


def compile_as(comp: Any, node: ast.AsType, scope: Any) -> tuple:
    fn, _ = comp.expr(node.operand, scope)
    t = resolve_type(comp, node.type)
    check = T.build_check(t)
    if node.strict:
        def cast(ctx: Any) -> Any:
            v = fn(ctx)
            if v is None or check(v, ctx.models):
                return v
            raise CqlRuntimeError(f"cannot cast a value of type {_describe(v, ctx)} to {t}")
        return comp.located(node, cast), t

    def as_(ctx: Any) -> Any:
        v = fn(ctx)
        if v is None or check(v, ctx.models):
            return v
        return None
    return as_, t


def _describe(v: Any, ctx: Any) -> str:
    t = T.type_of(v)
    if t is not None:
        return str(t)
    for model in ctx.models.values():
        name = model.type_name(v)
        if name:
            return name
    return type(v).__name__


# ---------------------------------------------------------------- convert
def compile_convert(comp: Any, node: ast.Convert, scope: Any) -> tuple:
    fn, ft = comp.expr(node.operand, scope)
    fn = system_arg(comp, fn, ft)
    if node.unit is not None:
        conv = operator("ConvertQuantity") or function("ConvertQuantity")
        if conv is None:
            raise comp.error(node, "no ConvertQuantity operator is available")
        unit = node.unit
        return comp.located(node, lambda ctx: conv(fn(ctx), unit)), T.QUANTITY
    t = resolve_type(comp, node.type)
    if isinstance(t, T.ChoiceType):
        t = t.choices[0]
    if not isinstance(t, T.NamedType) or t.namespace != "System":
        raise comp.error(node, f"convert supports System types only, not {t}")
    to = function("To" + t.name)
    if to is None:
        raise comp.error(node, f"no conversion to {t} is available")
    return comp.located(node, lambda ctx: to(fn(ctx))), t


# ---------------------------------------------------------------- minimum / maximum
def compile_extent(comp: Any, node: ast.TypeExtent, scope: Any) -> tuple:
    t = resolve_type(comp, node.type)
    if isinstance(t, T.ChoiceType):
        t = t.choices[0]
    try:
        value = T.type_extent(node.kind, t)
    except KeyError:
        raise comp.error(node, f"the {node.kind} of type {t} is not defined") from None
    return const(value), t


# ---------------------------------------------------------------- parameter values
def coerce_parameter(value: Any, t: Optional[T.CqlType]) -> Any:
    """Convert a caller-supplied parameter value (Python or JSON-ish) to the parameter's
    declared CQL type; values already of a CQL type pass through."""
    if value is None or t is None:
        return value
    if isinstance(t, T.ChoiceType):
        return value
    if isinstance(t, T.ListType):
        return [coerce_parameter(v, t.element) for v in value] if isinstance(value, (list, tuple)) else value
    if isinstance(t, T.IntervalType):
        if isinstance(value, Interval):
            return value
        if isinstance(value, dict):
            lo = value.get("low", value.get("start"))
            hi = value.get("high", value.get("end"))
            return Interval(coerce_parameter(lo, t.point), coerce_parameter(hi, t.point),
                            value.get("lowClosed", True), value.get("highClosed", True))
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return Interval(coerce_parameter(value[0], t.point), coerce_parameter(value[1], t.point))
        return value
    if not isinstance(t, T.NamedType) or t.namespace != "System":
        return value
    name = t.name
    if name == "Boolean" and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    if name == "Integer" and isinstance(value, str):
        return int(value)
    if name == "Long" and type(value) in (int, str):
        return Long(int(value))
    if name == "Decimal" and type(value) in (int, float, str):
        return Decimal(str(value))
    if name in ("Date", "DateTime", "Time") and isinstance(value, str):
        return parse_temporal(value.lstrip("@"))
    if name == "Quantity" and isinstance(value, dict):
        return Quantity(Decimal(str(value.get("value"))), value.get("unit") or "1")
    return value
