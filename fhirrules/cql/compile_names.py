"""Names: identifiers (locals, defines, parameters, terminology, context values),
library-qualified references (``Lib.Name``), property access and indexers."""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import operator
from fhirrules.cql.compile_literals import const
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.cql.types.interval import Interval
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.ratio import Ratio
from fhirrules.cql.types.tuple import CqlTuple


# ---------------------------------------------------------------- identifiers
def compile_identifier(comp: Any, node: ast.Identifier, scope: Any) -> tuple:
    name = node.name
    b = scope.lookup(name)
    if b is not None:
        return slot_reader(b.slot), b.type
    implicit = scope.find_implicit()
    if implicit is not None:
        # inside 'sort by', a bare name is a property of the element being sorted
        reader = slot_reader(implicit.slot)
        getter = property_getter(name)
        return (lambda ctx: getter(reader(ctx), ctx)), member_type(implicit.type, name)
    found = resolve_library_name(comp, comp.state, name, node)
    if found is not None:
        return found
    if name in comp.state.includes:
        raise comp.error(node, f"'{name}' is an included library, not a value; "
                               f"use {name}.<name> to refer to one of its definitions")
    ctxval = context_value(comp, name, scope)
    if ctxval is not None:
        return ctxval
    known = scope.all_names() + list(comp.state.defines) + list(comp.state.parameters) \
        + list(comp.state.terminology)
    raise comp.error(node, f"Could not resolve identifier '{name}'" + comp.did_you_mean(name, known))


def slot_reader(slot: int) -> Callable:
    def read(ctx: Any) -> Any:
        return ctx.slots.get(slot)
    return read


def resolve_library_name(comp: Any, state: Any, name: str, node: Any) -> Optional[tuple]:
    """A define, parameter or terminology definition of the library being compiled."""
    info = state.defines.get(name)
    if info is not None:
        return comp.define_ref(info, node)
    param = state.parameters.get(name)
    if param is not None:
        return param.reader, param.type
    term = state.terminology.get(name)
    if term is not None:
        kind, value, t = term
        return const(value), t
    return None


def context_value(comp: Any, name: str, scope: Any) -> Optional[tuple]:
    """``Patient`` (the context name) inside that context is the context's own value."""
    if name not in comp.state.contexts and name != scope.context:
        return None
    t: Optional[T.CqlType] = None
    for ns, model in comp.state.models.items():
        if model.known_type(name):
            t = T.NamedType(ns, name)
            break

    def value(ctx: Any) -> Any:
        return ctx.context_values.get(name)
    return value, t


# ---------------------------------------------------------------- member access
def compile_member(comp: Any, node: ast.Member, scope: Any) -> tuple:
    src = node.source
    if isinstance(src, ast.Identifier) and scope.lookup(src.name) is None \
            and src.name in comp.state.includes and src.name not in comp.state.defines:
        return library_member(comp, comp.state.includes[src.name], node.name, node)
    fn, t = comp.expr(src, scope)
    getter = property_getter(node.name)
    rt = member_type(t, node.name)
    if rt is None:
        _check_tuple_element(comp, node, t)
        rt = _check_model_element(comp, node, t)

    def member(ctx: Any) -> Any:
        return getter(fn(ctx), ctx)
    return comp.located(node, member), rt


def library_member(comp: Any, lib: Any, name: str, node: Any) -> tuple:
    """``Lib.Name``: a public define, parameter or terminology definition of an included
    library (compiled or native)."""
    found = lib.member(name)
    if found is None:
        raise comp.error(node, f"library {lib.name} has no public definition '{name}'"
                         + comp.did_you_mean(name, lib.member_names()))
    return found


def _check_tuple_element(comp: Any, node: ast.Member, t: Optional[T.CqlType]) -> None:
    elem_t = t.element if isinstance(t, T.ListType) else t
    if isinstance(elem_t, T.TupleType):
        names = [n for n, _ in elem_t.elements]
        if node.name not in names:
            raise comp.error(node, f"{elem_t} has no element '{node.name}'" + comp.did_you_mean(node.name, names))


def _check_model_element(comp: Any, node: ast.Member, t: Optional[T.CqlType]) -> Optional[T.CqlType]:
    """When the source's static type is a model type and the model can describe its
    elements (optional ``element_type(type, element) -> 'NS.Type' | 'List<NS.Type>' |
    None``), a misspelt element is a compile error instead of a silent null."""
    elem_t = t.element if isinstance(t, T.ListType) else t
    if not isinstance(elem_t, T.NamedType) or elem_t.namespace == "System":
        return None
    model = comp.state.models.get(elem_t.namespace)
    describe = getattr(model, "element_type", None)
    if describe is None:
        return None
    type_name = f"{elem_t.namespace}.{elem_t.name}"
    found = describe(type_name, node.name)
    if found is None:
        names = list(getattr(model, "element_names", lambda _t: [])(type_name) or [])
        raise comp.error(node, f"{type_name} has no element '{node.name}'" + comp.did_you_mean(node.name, names))
    rt = _parse_model_type(found)
    if isinstance(t, T.ListType) and rt is not None:
        return T.ListType(rt.element if isinstance(rt, T.ListType) else rt)
    return rt


def _parse_model_type(text: Any) -> Optional[T.CqlType]:
    if not isinstance(text, str):
        return None
    if text.startswith("List<") and text.endswith(">"):
        inner = _parse_model_type(text[5:-1])
        return T.ListType(inner) if inner is not None else None
    ns, _, name = text.partition(".")
    return T.NamedType(ns, name) if name and "<" not in text else None


def member_type(t: Optional[T.CqlType], name: str) -> Optional[T.CqlType]:
    if isinstance(t, T.TupleType):
        return dict(t.elements).get(name)
    if isinstance(t, T.IntervalType):
        return {"low": t.point, "high": t.point, "lowClosed": T.BOOLEAN, "highClosed": T.BOOLEAN}.get(name)
    if T.is_system(t, "Quantity"):
        return {"value": T.DECIMAL, "unit": T.STRING}.get(name)
    if T.is_system(t, "Code"):
        return T.STRING
    if isinstance(t, T.ListType):
        inner = member_type(t.element, name)
        return T.ListType(inner) if inner is not None else None
    return None


def _code_field(name: str) -> Optional[Callable]:
    if name in ("code", "system", "version", "display"):
        return lambda v: getattr(v, name)
    return None


_INTERVAL_FIELDS = {"low": "low", "high": "high", "lowClosed": "low_closed", "highClosed": "high_closed"}


def _system_accessor(cls: type, name: str) -> Optional[Callable]:
    if cls is CqlTuple:
        return lambda v: v.get(name)
    if cls is Quantity and name in ("value", "unit"):
        return lambda v: getattr(v, name)
    if cls is Code:
        return _code_field(name)
    if cls is Concept and name in ("codes", "display"):
        return lambda v: getattr(v, name)
    if cls is Interval and name in _INTERVAL_FIELDS:
        attr = _INTERVAL_FIELDS[name]
        return lambda v: getattr(v, attr)
    if cls is Ratio and name in ("numerator", "denominator"):
        return lambda v: getattr(v, name)
    if cls in (ValueSetRef, CodeSystemRef) and name in ("id", "version", "name", "codesystems"):
        return lambda v: getattr(v, name)
    return None


def property_getter(name: str) -> Callable[[Any, Any], Any]:
    """``get(value, ctx)``: the property ``name`` of value, per CQL path semantics: null
    gives null; a list gives the flattened list of its elements' non-null properties;
    System values are read here; anything else goes to the model provider claiming it.
    Accessors are cached per Python type, so evaluation does a dict lookup."""
    cache: dict[type, Optional[Callable]] = {}

    def get(value: Any, ctx: Any) -> Any:
        if value is None:
            return None
        cls = type(value)
        if cls is list:
            out: list = []
            for v in value:
                r = get(v, ctx)
                if r is None:
                    continue
                if type(r) is list:
                    out.extend(r)
                else:
                    out.append(r)
            return out
        try:
            acc = cache[cls]
        except KeyError:
            acc = cache[cls] = _system_accessor(cls, name) if cls in _SYSTEM_CLASSES else None
        if acc is not None:
            return acc(value)
        if cls in _SYSTEM_CLASSES:
            return None
        return _model_property(value, name, ctx)
    return get


_SYSTEM_CLASSES = {CqlTuple, Quantity, Code, Concept, Interval, Ratio, ValueSetRef, CodeSystemRef}


def _model_property(value: Any, name: str, ctx: Any) -> Any:
    for model in ctx.models.values():
        if model.type_name(value) is not None:
            return model.get_property(value, name)
    if isinstance(value, dict):
        return value.get(name)
    return None


# ---------------------------------------------------------------- indexer
def compile_indexer(comp: Any, node: ast.Indexer, scope: Any) -> tuple:
    src, st = comp.expr(node.source, scope)
    idx, _ = comp.expr(node.index, scope)
    op = operator("Indexer")
    if op is None:
        def op(s: Any, i: Any) -> Any:
            if s is None or i is None or i < 0 or i >= len(s):
                return None
            return s[i]
    rt = st.element if isinstance(st, T.ListType) else (T.STRING if T.is_system(st, "String") else None)
    return comp.located(node, lambda ctx: op(src(ctx), idx(ctx))), rt
