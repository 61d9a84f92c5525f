"""Function calls: name resolution (user-defined functions with overloads chosen at
compile time or by run-time type tests, library-qualified calls ``Lib.F(x)`` including
native libraries such as FHIRHelpers, fluent calls ``x.F()``), then System functions
(``compile_system_calls``)."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import function, function_names
from fhirrules.cql.compile_system_calls import CONTEXT_FUNCTIONS, SHIMS, system_call
from fhirrules.cql.compile_scope import MISSING
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types import typesys as T


def compile_call(comp: Any, node: ast.FunctionCall, scope: Any) -> tuple:
    state = comp.state
    if node.library is not None:
        lib = state.includes.get(node.library)
        if lib is None:
            raise comp.error(node, f"no included library is called '{node.library}'"
                             + comp.did_you_mean(node.library, list(state.includes)))
        return _library_call(comp, lib, node, [comp.expr(a, scope) for a in node.args])
    if node.fluent and node.source is not None:
        src = node.source
        if isinstance(src, ast.Identifier) and scope.lookup(src.name) is None \
                and src.name in state.includes and src.name not in state.defines:
            return _library_call(comp, state.includes[src.name], node,
                                 [comp.expr(a, scope) for a in node.args])
        args = [comp.expr(src, scope)] + [comp.expr(a, scope) for a in node.args]
        return _resolve(comp, node, args, fluent=True)
    args = [comp.expr(a, scope) for a in node.args]
    return _resolve(comp, node, args, fluent=False)


def _resolve(comp: Any, node: ast.FunctionCall, args: list[tuple], fluent: bool) -> tuple:
    name = node.name
    own = [f for f in comp.state.functions.get(name, ()) if len(f.operand_types) == len(args)]
    if own:
        return call_user_function(comp, node, own, args)
    if fluent:
        for lib in comp.state.includes.values():
            cands = lib.fluent_functions(name, len(args))
            if cands:
                return _dispatch_library(comp, lib, node, cands, args)
    special = CONTEXT_FUNCTIONS.get(name)
    if special is not None:
        return special(comp, node, args)
    fn = function(name) or SHIMS.get(name)
    if fn is not None:
        return system_call(comp, node, fn, args)
    if comp.state.functions.get(name):
        arities = sorted({len(f.operand_types) for f in comp.state.functions[name]})
        raise comp.error(node, f"function '{name}' takes {' or '.join(map(str, arities))} "
                               f"argument(s), not {len(args)}")
    known = list(comp.state.functions) + function_names()
    raise comp.error(node, f"Could not resolve call to function '{name}'" + comp.did_you_mean(name, known))


# ---------------------------------------------------------------- user functions
def call_user_function(comp: Any, node: Any, candidates: Sequence[Any], args: list[tuple]) -> tuple:
    """Choose among overloads by the arguments' static types; when those are not known
    well enough to decide, choose at run time by testing the argument values."""
    for c in candidates:
        comp.ensure_function(c)
    ranked = _rank(candidates, [t for _, t in args])
    if not ranked:
        sig = ", ".join(str(t or "System.Any") for _, t in args)
        if all(_certain(t) for _, t in args):
            raise comp.error(node, f"no overload of function '{node.name}' accepts ({sig})")
        # the static types are inferred, not declared: let the values decide at run time
        return _runtime_overload(comp, node, list(candidates), [f for f, _ in args]), None
    if len(ranked) == 1 or ranked[0][0] < ranked[1][0]:
        return _invoke(comp, node, ranked[0][1], [f for f, _ in args]), ranked[0][1].return_type
    return _runtime_overload(comp, node, [c for _, c in ranked], [f for f, _ in args]), None


def _certain(t: Any) -> bool:
    """Static types the compiler knows for sure: System scalars and lists of them."""
    if isinstance(t, T.ListType):
        return _certain(t.element)
    return isinstance(t, T.NamedType) and t.namespace == "System"


def _rank(candidates: Sequence[Any], types: list) -> list[tuple[int, Any]]:
    out = []
    for c in candidates:
        score = 0
        for at, ot in zip(types, c.operand_types):
            if ot is None or ot == T.ANY:
                score += 3
            elif at is None:
                score += 2
            elif isinstance(at, T.ChoiceType) and not T.is_subtype(at, ot):
                # a value of a choice type may fit: decided at run time
                if not any(T.is_subtype(c, ot) or T.implicitly_converts(c, ot) for c in at.choices):
                    score = -1
                    break
                score += 2
            elif T.is_subtype(at, ot):
                score += 0
            elif T.implicitly_converts(at, ot):
                score += 1
            else:
                score = -1
                break
        if score >= 0:
            out.append((score, c))
    out.sort(key=lambda p: p[0])
    return out


def _invoke(comp: Any, node: Any, info: Any, argfns: list[Callable]) -> Callable:
    if info.native is not None:
        native = info.native
        return comp.located(node, lambda ctx: native(*[f(ctx) for f in argfns]))
    slots = info.slots
    cell = info.cell
    convs = [T.implicit_converter(t) for t in info.operand_types]
    fns = [(lambda f, cv: (lambda ctx: cv(f(ctx))) if cv else f)(f, cv) for f, cv in zip(argfns, convs)]
    pairs = list(zip(slots, fns))

    def call(ctx: Any) -> Any:
        values = [f(ctx) for _, f in pairs]
        s = ctx.slots
        saved = [s.get(k, MISSING) for k in slots]
        for k, v in zip(slots, values):
            s[k] = v
        try:
            return cell[0](ctx)
        finally:
            for k, old in zip(slots, saved):
                if old is MISSING:
                    s.pop(k, None)
                else:
                    s[k] = old
    return call


def _runtime_overload(comp: Any, node: Any, candidates: list[Any], argfns: list[Callable]) -> Callable:
    checks = [[_loose_check(t) if t is not None else None for t in c.operand_types] for c in candidates]
    exact_checks = [[T.build_check(t) if t is not None else None for t in c.operand_types] for c in candidates]
    invokers = [_invoke(comp, node, c, [_slot_arg(i) for i in range(len(argfns))]) for c in candidates]
    name = node.name

    def dispatch(ctx: Any) -> Any:
        values = [f(ctx) for f in argfns]
        models = ctx.models
        for group in (exact_checks, checks):
            for chk, inv in zip(group, invokers):
                if all(c is None or v is None or c(v, models) for c, v in zip(chk, values)):
                    ctx.slots[_ARGS] = values
                    return inv(ctx)
        raise CqlRuntimeError(f"no overload of function '{name}' accepts the argument values")
    return comp.located(node, dispatch)


def _loose_check(t: T.CqlType) -> Callable:
    """The operand's type test, also accepting values that implicitly convert to it."""
    exact = T.build_check(t)
    conv = T.implicit_converter(t)
    if conv is None:
        return exact
    return lambda v, models: exact(v, models) or exact(conv(v), models)


_ARGS = -1   # slot holding the already-evaluated arguments of a run-time overload dispatch


def _slot_arg(i: int) -> Callable:
    return lambda ctx: ctx.slots[_ARGS][i]


# ---------------------------------------------------------------- included libraries
def _library_call(comp: Any, lib: Any, node: Any, args: list[tuple]) -> tuple:
    cands = lib.public_functions(node.name, len(args))
    if not cands:
        raise comp.error(node, f"library {lib.name} has no public function '{node.name}' with "
                               f"{len(args)} argument(s)" + comp.did_you_mean(node.name, lib.function_names()))
    return _dispatch_library(comp, lib, node, cands, args)


def _dispatch_library(comp: Any, lib: Any, node: Any, cands: list, args: list[tuple]) -> tuple:
    if cands[0].native is not None:
        native = cands[0].native
        fns = [f for f, _ in args]
        return comp.located(node, lambda ctx: native(*[f(ctx) for f in fns])), None
    return call_user_function(comp, node, cands, args)
