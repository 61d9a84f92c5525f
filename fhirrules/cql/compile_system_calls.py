"""System function calls: functions from the operator registry (with a compile-time
arity check and result types), the functions that need the evaluation context
(``Now``, ``Today``, ``TimeOfDay``, ``Message``, ``AgeIn...``, ``CalculateAgeIn...``)
and temporary shims for functions the registry does not provide yet."""
from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

from fhirrules.cql.compile_bridge import operator
from fhirrules.cql.compile_convert import system_arg
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types import typesys as T


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


def system_call(comp: Any, node: Any, fn: Callable, args: list[tuple]) -> tuple:
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
            from fhirrules.cql.compile_convert import to_system
            getter = property_getter("birthDate")
            birth = lambda ctx: to_system(getter(ctx.context_values.get("Patient"), ctx), ctx)  # noqa: E731
        else:
            birth = fns[0]
        as_of = fns[-1] if at else (lambda ctx: ctx.now)
        return comp.located(node, lambda ctx: age_at(birth(ctx), as_of(ctx), unit)), T.INTEGER
    return compile_age


def expand_valueset(ctx: Any, vs: Any) -> Any:
    """The codes of a value set, from the terminology provider (null for null)."""
    if vs is None:
        return None
    if ctx.terminology is None:
        raise CqlRuntimeError(f"no terminology provider is configured to expand value set {vs.id}")
    return list(ctx.terminology.expand(vs))


def _expand_valueset(comp: Any, node: Any, args: list) -> tuple:
    _arity(comp, node, args, 1)
    vs = args[0][0]
    return comp.located(node, lambda ctx: expand_valueset(ctx, vs(ctx))), T.ListType(T.CODE)


CONTEXT_FUNCTIONS = {"Now": _now, "Today": _today, "TimeOfDay": _time_of_day, "Message": _message,
                     "ExpandValueSet": _expand_valueset}
for _word, _unit in _AGE_UNITS.items():
    CONTEXT_FUNCTIONS[f"AgeIn{_word}"] = _age(_unit, at=False, patient=True)
    CONTEXT_FUNCTIONS[f"AgeIn{_word}At"] = _age(_unit, at=True, patient=True)
    CONTEXT_FUNCTIONS[f"CalculateAgeIn{_word}"] = _age(_unit, at=False, patient=False)


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


SHIMS = {"Children": _children, "children": _children,
          "Descendents": _descendents, "descendents": _descendents}
