"""Function calls: user-defined functions (with overloads), library-qualified calls
(``Lib.F(x)`` and native libraries such as FHIRHelpers), fluent calls (``x.F()``),
System functions from the registry, and the functions that need the evaluation context
(``Now``, ``Today``, ``TimeOfDay``, ``Message``)."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Sequence

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import function, function_names, operator
from fhirrules.cql.compile_ops import system_arg
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
    special = _CONTEXT_FUNCTIONS.get(name)
    if special is not None:
        return special(comp, node, args)
    fn = function(name) or _SHIMS.get(name)
    if fn is not None:
        return _system_call(comp, node, fn, args)
    if comp.state.functions.get(name):
        arities = sorted({len(f.operand_types) for f in comp.state.functions[name]})
        raise comp.error(node, f"function '{name}' takes {' or '.join(map(str, arities))} "
                               f"argument(s), not {len(args)}")
    known = list(comp.state.functions) + function_names()
    raise comp.error(node, f"Could not resolve call to function '{name}'" + comp.did_you_mean(name, known))


def _check_arity(comp: Any, node: Any, fn: Callable, n: int) -> None:
    """A wrong number of arguments to a System function is a compile-time error."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        sig.bind(*range(n))
    except TypeError:
        params = [p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = sum(1 for p in params if p.default is p.empty)
        want = str(required) if required == len(params) else f"{required} to {len(params)}"
        raise comp.error(node, f"{node.name}() takes {want} argument(s), not {n}") from None


def _system_call(comp: Any, node: Any, fn: Callable, args: list[tuple]) -> tuple:
    _check_arity(comp, node, fn, len(args))
    fns = [system_arg(comp, f, t) for f, t in args]
    if node.name == "Length" and len(args) == 1 and isinstance(args[0][1], T.ListType):
        # Length(List) of null is 0 (the String overload gives null): chosen by type.
        inner = fns[0]
        fns = [lambda ctx: (lambda v: [] if v is None else v)(inner(ctx))]
    n = len(fns)
    if n == 0:
        run = lambda ctx: fn()  # noqa: E731
    elif n == 1:
        a = fns[0]
        run = lambda ctx: fn(a(ctx))  # noqa: E731
    elif n == 2:
        a, b = fns
        run = lambda ctx: fn(a(ctx), b(ctx))  # noqa: E731
    else:
        run = lambda ctx: fn(*[f(ctx) for f in fns])  # noqa: E731
    return comp.located(node, run), _system_return_type(node.name, [t for _, t in args])


def _system_return_type(name: str, types: list) -> Optional[T.CqlType]:
    if name.startswith("To") and name[2:] in T.SYSTEM_TYPE_NAMES:
        return T.system(name[2:])
    if name in ("Date", "DateTime", "Time"):
        return T.system(name)
    if name in ("Length", "Count", "PositionOf", "LastPositionOf"):
        return T.INTEGER
    if name in ("Upper", "Lower", "Substring", "Combine", "ToString"):
        return T.STRING
    if name in ("Abs", "Ceiling", "Floor", "Truncate", "Round") and types and types[0] is not None:
        return T.INTEGER if name in ("Ceiling", "Floor", "Truncate") else types[0]
    if name in ("First", "Last", "Min", "Max", "Mode", "Sum") and types and isinstance(types[0], T.ListType):
        return types[0].element
    return None


# ---------------------------------------------------------------- user functions
def call_user_function(comp: Any, node: Any, candidates: Sequence[Any], args: list[tuple]) -> tuple:
    """Choose among overloads by the arguments' static types; when those are not known
    well enough to decide, choose at run time by testing the argument values."""
    for c in candidates:
        comp.ensure_function(c)
    ranked = _rank(candidates, [t for _, t in args])
    if not ranked:
        sig = ", ".join(str(t or "System.Any") for _, t in args)
        raise comp.error(node, f"no overload of function '{node.name}' accepts ({sig})")
    if len(ranked) == 1 or ranked[0][0] < ranked[1][0]:
        return _invoke(comp, node, ranked[0][1], [f for f, _ in args]), ranked[0][1].return_type
    return _runtime_overload(comp, node, [c for _, c in ranked], [f for f, _ in args]), None


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


# ---------------------------------------------------------------- context functions
def _now(comp: Any, node: Any, args: list) -> tuple:
    _arity(comp, node, args, 0)
    return (lambda ctx: ctx.now), T.DATETIME


def _today(comp: Any, node: Any, args: list) -> tuple:
    _arity(comp, node, args, 0)
    date_from = operator("DateFrom")
    return comp.located(node, lambda ctx: date_from(ctx.now)), T.DATE


def _time_of_day(comp: Any, node: Any, args: list) -> tuple:
    _arity(comp, node, args, 0)
    time_from = operator("TimeFrom")
    return comp.located(node, lambda ctx: time_from(ctx.now)), T.TIME


def _message(comp: Any, node: Any, args: list) -> tuple:
    _arity(comp, node, args, 5)
    src, cond, code, sev, msg = [f for f, _ in args]

    def message(ctx: Any) -> Any:
        value = src(ctx)
        if cond(ctx) is True:
            severity = sev(ctx) or "Message"
            text = f"{code(ctx)}: {msg(ctx)}"
            if str(severity).lower() == "error":
                raise CqlRuntimeError(text)
            ctx.messages.append((str(severity), str(code(ctx)), str(msg(ctx))))
        return value
    return comp.located(node, message), args[0][1]


def _arity(comp: Any, node: Any, args: list, n: int) -> None:
    if len(args) != n:
        raise comp.error(node, f"{node.name}() takes {n} argument(s), not {len(args)}")


_AGE_UNITS = {"Years": "year", "Months": "month", "Weeks": "week", "Days": "day", "Hours": "hour",
              "Minutes": "minute", "Seconds": "second"}


def _age(unit: str, at: bool, patient: bool) -> Callable:
    """AgeIn<Unit>s() / AgeIn<Unit>sAt(x): the context Patient's birthDate;
    CalculateAgeIn<Unit>s(b): age as of now (spec: clinical operators)."""
    def compile_age(comp: Any, node: Any, args: list) -> tuple:
        _arity(comp, node, args, (1 if at else 0) + (0 if patient else 1))
        age_at = operator("CalculateAgeAt")
        if age_at is None:
            raise comp.error(node, "no CalculateAgeAt operator is available")
        fns = [system_arg(comp, f, t) for f, t in args]
        if patient:
            from fhirrules.cql.compile_names import property_getter
            from fhirrules.cql.compile_ops import to_system
            getter = property_getter("birthDate")
            birth = lambda ctx: to_system(getter(ctx.context_values.get("Patient"), ctx), ctx)  # noqa: E731
        else:
            birth = fns[0]
        as_of = fns[-1] if at else (lambda ctx: ctx.now)
        return comp.located(node, lambda ctx: age_at(birth(ctx), as_of(ctx), unit)), T.INTEGER
    return compile_age


_CONTEXT_FUNCTIONS = {"Now": _now, "Today": _today, "TimeOfDay": _time_of_day, "Message": _message}
for _word, _unit in _AGE_UNITS.items():
    _CONTEXT_FUNCTIONS[f"AgeIn{_word}"] = _age(_unit, at=False, patient=True)
    _CONTEXT_FUNCTIONS[f"AgeIn{_word}At"] = _age(_unit, at=True, patient=True)
    _CONTEXT_FUNCTIONS[f"CalculateAgeIn{_word}"] = _age(_unit, at=False, patient=False)


# ---------------------------------------------------------------- temporary shims
def _children(v: Any) -> Any:
    """Children of a System value: list elements, tuple element values (null: null).
    Temporary until the list operators provide Children/Descendents."""
    if v is None:
        return None
    if isinstance(v, list):
        return [x for x in v if x is not None]
    if isinstance(v, dict):
        return [x for x in v.values() if x is not None]
    return []


def _descendents(v: Any) -> Any:
    if v is None:
        return None
    out: list = []
    todo = list(_children(v) or [])
    while todo:
        x = todo.pop(0)
        out.append(x)
        todo.extend(_children(x) or [])
    return out


_SHIMS = {"Children": _children, "children": _children,
          "Descendents": _descendents, "descendents": _descendents}
