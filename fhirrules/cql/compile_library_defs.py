"""Library-level compilation: usings, includes, terminology definitions (codesystems,
valuesets, codes, concepts), parameters, defines and functions, then the eager compile
of every statement so that every semantic error surfaces at compile time."""
from __future__ import annotations

from typing import Any, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_result import CompiledLibrary
from fhirrules.cql.compile_types import coerce_parameter
from fhirrules.cql.compiler import DefineInfo, FunctionInfo
from fhirrules.cql.compile_scope import Scope
from fhirrules.cql.errors import CqlError
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef


class ParamInfo:
    __slots__ = ("node", "type", "reader", "default")

    def __init__(self, node: ast.ParameterDef, t: Optional[T.CqlType]) -> None:
        self.node = node
        self.type = t
        self.default: list = [None]
        self.reader: Any = None


def compile_library_level(comp: Any) -> CompiledLibrary:
    state = comp.state
    lib: ast.Library = state.ast
    _usings(comp, lib)
    _includes(comp, lib)
    _names_unique(comp, lib)
    _terminology(comp, lib)
    _parameters(comp, lib)
    for st in lib.statements:
        if isinstance(st, ast.ExpressionDef):
            state.defines[st.name] = DefineInfo(st)
        else:
            types = [comp.type_of_spec(op.type) for op in st.operands]
            overloads = state.functions.setdefault(st.name, [])
            if any(f.operand_types == types for f in overloads):
                raise comp.error(st, f"function '{st.name}' is already defined with these operand types")
            overloads.append(FunctionInfo(st, types))
    for name, p in state.parameters.items():
        if p.node.default is not None:
            fn, _ = comp.expr(p.node.default, Scope())
            p.default[0] = comp.located(p.node, fn)
    for info in state.defines.values():
        comp.ensure_define(info)
    for overloads in state.functions.values():
        for f in overloads:
            comp.ensure_function(f)
    return CompiledLibrary(comp)


def _usings(comp: Any, lib: ast.Library) -> None:
    for u in lib.usings:
        if u.model == "System":
            continue
        model = comp.all_models.get(u.model)
        if model is None:
            raise comp.error(u, f"using {u.model}: no model provider is registered under '{u.model}' "
                                f"(registered: {', '.join(sorted(comp.all_models)) or 'none'})")
        comp.state.models[u.alias or u.model] = model
        if u.alias and u.alias != u.model:
            comp.state.models[u.model] = model


def _includes(comp: Any, lib: ast.Library) -> None:
    for inc in lib.includes:
        alias = inc.alias or inc.path.split(".")[-1]
        if comp.resolve_include is None:
            raise comp.error(inc, f"cannot include {inc.path}: no library manager")
        try:
            included = comp.resolve_include(inc)
        except CqlError:
            raise
        if included is None:
            raise comp.error(inc, f"library {inc.path}" + (f" version '{inc.version}'" if inc.version else "")
                             + " was not found on the library path or among registered libraries")
        if alias in comp.state.includes:
            raise comp.error(inc, f"the alias '{alias}' already names an included library")
        comp.state.includes[alias] = included


def _names_unique(comp: Any, lib: ast.Library) -> None:
    seen: dict[str, Any] = {}
    for group in (lib.codesystems, lib.valuesets, lib.codes, lib.concepts, lib.parameters,
                  [s for s in lib.statements if isinstance(s, ast.ExpressionDef)]):
        for d in group:
            if d.name in seen:
                raise comp.error(d, f"'{d.name}' is already defined")
            seen[d.name] = d


def _terminology(comp: Any, lib: ast.Library) -> None:
    state = comp.state
    root = Scope()
    for cs in lib.codesystems:
        state.terminology[cs.name] = ("codesystem", CodeSystemRef(cs.id, cs.version, cs.name),
                                      T.system("CodeSystem"))
    for vs in lib.valuesets:
        systems = [_constant(comp, e, root, CodeSystemRef, "a codesystem") for e in vs.codesystems]
        state.terminology[vs.name] = ("valueset", ValueSetRef(vs.id, vs.version, systems, vs.name),
                                      T.system("ValueSet"))
    for cd in lib.codes:
        cs = _constant(comp, cd.system, root, CodeSystemRef, "a codesystem")
        state.terminology[cd.name] = ("code", Code(cd.code, cs.id, cs.version, cd.display), T.CODE)
    for cc in lib.concepts:
        codes = [_constant(comp, e, root, Code, "a code") for e in cc.codes]
        state.terminology[cc.name] = ("concept", Concept(codes, cc.display), T.CONCEPT)
    for group in (lib.codesystems, lib.valuesets, lib.codes, lib.concepts):
        for d in group:
            if d.access == "private":
                state.private.add(d.name)


def _constant(comp: Any, expr: Any, scope: Scope, cls: type, what: str) -> Any:
    fn, _ = comp.expr(expr, scope)
    value = getattr(fn, "constant", None)
    if not isinstance(value, cls):
        raise comp.error(expr, f"expected {what} reference")
    return value


def _parameters(comp: Any, lib: ast.Library) -> None:
    state = comp.state
    for p in lib.parameters:
        t = comp.type_of_spec(p.type) if p.type is not None else None
        info = ParamInfo(p, t)
        key = (state.key, p.name)
        name = p.name
        default = info.default

        def reader(ctx: Any, key: tuple = key, name: str = name, t: Any = t, default: list = default) -> Any:
            cache = ctx.param_cache
            if key in cache:
                return cache[key]
            if name in ctx.parameters:
                value = coerce_parameter(ctx.parameters[name], t)
            elif default[0] is not None:
                value = default[0](ctx)
            else:
                value = None
            cache[key] = value
            return value
        info.reader = comp.located(p, reader)
        state.parameters[p.name] = info
        if p.access == "private":
            state.private.add(p.name)
