"""The FHIRPath function library (FHIRPath 2.0 sections 5 and 6, plus the FHIR
additions ``extension()``, ``hasValue()``, ``resolve()``, ``conformsTo()``).

Each function has the signature ``fn(env, items, args, arg_nodes) -> list``: ``items`` is
the input collection, ``args`` are compiled argument closures (evaluated by the function,
because criteria such as ``where(...)`` run once per item with ``$this`` bound).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlRuntimeError, CqlSemanticError
from fhirrules.cql.operators.string import java_regex
from fhirrules.cql.types.primitives import Long
from fhirrules.cql.types.quantity import Quantity
from fhirrules.fhir.fhirpath.evaluator import (Env, distinct, item_equal, item_equivalent,
                                               type_matches)
from fhirrules.fhir.fhirpath.nodes import Node
from fhirrules.fhir.fhirpath.values import (parse_temporal, singleton, system_type_name, to_boolean,
                                            to_system)

FUNCTIONS: dict[str, Callable] = {}


def fhirpath_function(name: str, min_args: int = 0, max_args: int = 0):
    def register(fn: Callable) -> Callable:
        def checked(env: Env, items: list, args: list, nodes: list) -> list:
            if not (min_args <= len(args) <= max_args):
                where = nodes[0].pos if nodes else (None, None)
                raise CqlSemanticError(f"{name}() takes {min_args}..{max_args} arguments, got {len(args)}", *where)
            return fn(env, items, args, nodes)
        FUNCTIONS[name] = checked
        return fn
    return register


def _focus(env: Env) -> list:
    """Non-iterating arguments are evaluated relative to ``$this`` (at the top level: the
    root resource), not to the function's input collection."""
    return [] if env.this is None else [env.this]


def _arg(env: Env, items: list, arg: Callable) -> Any:
    """An argument evaluated once, relative to ``$this``."""
    return to_system(singleton(arg(env, _focus(env))))


def _collection_arg(env: Env, arg: Callable) -> list:
    return arg(env, _focus(env))


def _arg_value(env: Env, arg: Callable, focus: list) -> Any:
    return to_system(singleton(arg(env, focus)))


def _per_item(env: Env, items: list, arg: Callable) -> list[tuple[Any, list]]:
    return [(item, arg(env.child(item, i), [item])) for i, item in enumerate(items)]


# ---------------------------------------------------------------- existence
@fhirpath_function("empty")
def _empty(env, items, args, nodes):
    return [not items]


@fhirpath_function("exists", 0, 1)
def _exists(env, items, args, nodes):
    if args:
        items = [i for i, r in _per_item(env, items, args[0]) if to_boolean(r) is True]
    return [bool(items)]


@fhirpath_function("all", 1, 1)
def _all(env, items, args, nodes):
    return [all(to_boolean(r) is True for _, r in _per_item(env, items, args[0]))]


def _bools(items: list) -> list:
    values = [to_system(i) for i in items]
    if any(not isinstance(v, bool) for v in values):
        raise CqlRuntimeError("this function needs a collection of Booleans")
    return values


@fhirpath_function("allTrue")
def _all_true(env, items, args, nodes):
    return [all(v is True for v in _bools(items))]


@fhirpath_function("anyTrue")
def _any_true(env, items, args, nodes):
    return [any(v is True for v in _bools(items))]


@fhirpath_function("allFalse")
def _all_false(env, items, args, nodes):
    return [all(v is False for v in _bools(items))]


@fhirpath_function("anyFalse")
def _any_false(env, items, args, nodes):
    return [any(v is False for v in _bools(items))]


@fhirpath_function("subsetOf", 1, 1)
def _subset_of(env, items, args, nodes):
    other = _collection_arg(env, args[0])
    return [all(any(item_equal(a, b) is True for b in other) for a in items)]


@fhirpath_function("supersetOf", 1, 1)
def _superset_of(env, items, args, nodes):
    other = _collection_arg(env, args[0])
    return [all(any(item_equal(a, b) is True for b in items) for a in other)]


@fhirpath_function("count")
def _count(env, items, args, nodes):
    return [len(items)]


@fhirpath_function("distinct")
def _distinct(env, items, args, nodes):
    return distinct(items)


@fhirpath_function("isDistinct")
def _is_distinct(env, items, args, nodes):
    return [len(distinct(items)) == len(items)]


# ---------------------------------------------------------------- filtering and projection
@fhirpath_function("where", 1, 1)
def _where(env, items, args, nodes):
    return [i for i, r in _per_item(env, items, args[0]) if to_boolean(r) is True]


@fhirpath_function("select", 1, 1)
def _select(env, items, args, nodes):
    out: list = []
    for _, r in _per_item(env, items, args[0]):
        out.extend(r)
    return out


@fhirpath_function("repeat", 1, 1)
def _repeat(env, items, args, nodes):
    out: list = []
    queue = list(items)
    while queue:
        item = queue.pop(0)
        for found in args[0](env.child(item), [item]):
            if not any(item_equal(found, seen) is True for seen in out):
                out.append(found)
                queue.append(found)
    return out


@fhirpath_function("ofType", 1, 1)
def _of_type(env, items, args, nodes):
    return [i for i in items if type_matches(i, _type_arg(nodes[0]))]


def _type_arg(node: ast.Expr) -> ast.NamedTypeSpec:
    if isinstance(node, ast.Identifier):
        return ast.NamedTypeSpec(node.name)
    if isinstance(node, ast.Member) and isinstance(node.source, ast.Identifier):
        return ast.NamedTypeSpec(node.name, node.source.name)
    raise CqlSemanticError("expected a type name", *node.pos)


@fhirpath_function("is", 1, 1)
def _is(env, items, args, nodes):
    item = singleton(items)
    return [] if item is None else [type_matches(item, _type_arg(nodes[0]), primitive_bases=True)]


@fhirpath_function("as", 1, 1)
def _as(env, items, args, nodes):
    item = singleton(items)
    return [] if item is None or not type_matches(item, _type_arg(nodes[0])) else [item]


# ---------------------------------------------------------------- subsetting
@fhirpath_function("single")
def _single(env, items, args, nodes):
    return [singleton(items)] if items else []


@fhirpath_function("first")
def _first(env, items, args, nodes):
    return items[:1]


@fhirpath_function("last")
def _last(env, items, args, nodes):
    return items[-1:]


@fhirpath_function("tail")
def _tail(env, items, args, nodes):
    return items[1:]


@fhirpath_function("skip", 1, 1)
def _skip(env, items, args, nodes):
    n = _arg(env, items, args[0])
    return items[max(n, 0):] if n is not None else []


@fhirpath_function("take", 1, 1)
def _take(env, items, args, nodes):
    n = _arg(env, items, args[0])
    return items[:n] if n is not None and n > 0 else []


@fhirpath_function("intersect", 1, 1)
def _intersect(env, items, args, nodes):
    other = _collection_arg(env, args[0])
    return [i for i in distinct(items) if any(item_equal(i, o) is True for o in other)]


@fhirpath_function("exclude", 1, 1)
def _exclude(env, items, args, nodes):
    other = _collection_arg(env, args[0])
    return [i for i in items if not any(item_equal(i, o) is True for o in other)]


@fhirpath_function("union", 1, 1)
def _union(env, items, args, nodes):
    return distinct(items + _collection_arg(env, args[0]))


@fhirpath_function("combine", 1, 1)
def _combine(env, items, args, nodes):
    return items + _collection_arg(env, args[0])


# ---------------------------------------------------------------- conversion
@fhirpath_function("iif", 2, 3)
def _iif(env, items, args, nodes):
    if len(items) > 1:
        raise CqlRuntimeError("iif() needs a single input")
    cenv = env if not items or items[0] is env.this else env.child(items[0], env.index)
    criterion = args[0](cenv, _focus(cenv))
    if criterion and not isinstance(to_system(criterion[0]), bool):
        raise CqlRuntimeError("iif() criterion must be a Boolean")
    cond = to_boolean(criterion)
    if cond is True:
        return args[1](cenv, _focus(cenv))
    return args[2](cenv, _focus(cenv)) if len(args) > 2 else []


def _conversion(name: str, convert: Callable[[Any], Any]) -> None:
    @fhirpath_function("to" + name)
    def to(env, items, args, nodes):
        v = to_system(singleton(items))
        if v is None:
            return []
        r = convert(v)
        return [] if r is None else [r]

    @fhirpath_function("convertsTo" + name)
    def converts(env, items, args, nodes):
        v = to_system(singleton(items))
        if v is None:
            return []
        return [convert(v) is not None]


def _to_boolean(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return {1: True, 0: False}.get(v)
    if isinstance(v, Decimal):
        return {Decimal(1): True, Decimal(0): False}.get(v)
    if isinstance(v, str):
        return {"true": True, "t": True, "yes": True, "y": True, "1": True, "1.0": True,
                "false": False, "f": False, "no": False, "n": False, "0": False, "0.0": False}.get(v.lower())
    return None


def _to_integer(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"[+-]?\d+", v):
        return int(v)
    return None


def _to_long(v: Any) -> Any:
    i = _to_integer(v)
    return None if i is None else Long(i)


def _to_decimal(v: Any) -> Any:
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, str) and re.fullmatch(r"[+-]?\d+(\.\d+)?", v):
        return Decimal(v)
    return None


_QUANTITY_RE = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*(?:'([^']*)'|([a-zA-Z]+))?\s*")


def _to_quantity(v: Any) -> Any:
    if isinstance(v, Quantity):
        return v
    if isinstance(v, bool):
        return Quantity(Decimal(int(v)), "1")
    if isinstance(v, (int, Decimal)):
        return Quantity(Decimal(v), "1")
    if isinstance(v, str):
        m = _QUANTITY_RE.fullmatch(v)
        if not m:
            return None
        unit = m.group(2) if m.group(2) is not None else m.group(3)
        if m.group(3) is not None and m.group(3) not in _CALENDAR:
            return None
        return Quantity(Decimal(m.group(1)), unit or "1")
    return None


_CALENDAR = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
             "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"}


def _to_string(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Quantity):
        unit = v.unit if v.unit not in _CALENDAR and v.unit + "s" not in _CALENDAR else v.unit
        return f"{v.value} '{unit}'" if v.unit not in _CALENDAR_SINGULAR else f"{v.value} {v.unit}" \
            + ("s" if v.value != 1 else "")
    if isinstance(v, (str, int, Decimal)):
        return str(v)
    return str(v) if system_type_name(v) else None


_CALENDAR_SINGULAR = {"year", "month", "week", "day", "hour", "minute", "second", "millisecond"}


def _temporal(kind: str) -> Callable[[Any], Any]:
    def convert(v: Any) -> Any:
        if system_type_name(v) == kind:
            return v
        if kind == "DateTime" and system_type_name(v) == "Date":
            return parse_temporal("DateTime", str(v))
        if kind == "Date" and system_type_name(v) == "DateTime":
            return parse_temporal("Date", str(v).split("T")[0])
        if isinstance(v, str):
            try:
                return parse_temporal(kind, v)
            except Exception:
                return None
        return None
    return convert


for _name, _fn in (("Boolean", _to_boolean), ("Integer", _to_integer), ("Long", _to_long),
                   ("Decimal", _to_decimal), ("Quantity", _to_quantity), ("String", _to_string),
                   ("Date", _temporal("Date")), ("DateTime", _temporal("DateTime")), ("Time", _temporal("Time"))):
    _conversion(_name, _fn)


# ---------------------------------------------------------------- strings
def _string_fn(name: str, n_args: int, fn: Callable[..., Any]) -> None:
    @fhirpath_function(name, n_args, n_args)
    def run(env, items, args, nodes):
        s = to_system(singleton(items))
        if s is None:
            return []
        if not isinstance(s, str):
            raise CqlRuntimeError(f"{name}() needs a string")
        values = [_arg(env, items, a) for a in args]
        if any(v is None for v in values):
            return []
        r = fn(s, *values)
        return [] if r is None else (r if isinstance(r, list) else [r])


def _substring(s: str, start: int, length: Any = None) -> Any:
    if start < 0 or start >= len(s):
        return None
    return s[start:] if length is None else s[start:start + max(length, 0)]


@fhirpath_function("substring", 1, 2)
def _substring_fn(env, items, args, nodes):
    s = to_system(singleton(items))
    start = _arg(env, items, args[0])
    if s is None or start is None:
        return []
    length = _arg(env, items, args[1]) if len(args) > 1 else None
    r = _substring(s, start, length)
    return [] if r is None else [r]


@lru_cache(maxsize=512)
def _regex(pattern: str) -> "re.Pattern[str]":
    """Compiled once per pattern, with the CQL engine's Java-to-Python translation; a bad
    pattern is the engine's runtime error, not ``re.error``."""
    try:
        return re.compile(java_regex(pattern), re.DOTALL)
    except re.error as exc:
        raise CqlRuntimeError(f"invalid regular expression {pattern!r}: {exc}") from None


_string_fn("startsWith", 1, lambda s, p: s.startswith(p))
_string_fn("endsWith", 1, lambda s, p: s.endswith(p))
_string_fn("indexOf", 1, lambda s, p: s.find(p))
_string_fn("lastIndexOf", 1, lambda s, p: s.rfind(p))
_string_fn("upper", 0, lambda s: s.upper())
_string_fn("lower", 0, lambda s: s.lower())
_string_fn("length", 0, lambda s: len(s))
_string_fn("trim", 0, lambda s: s.strip())
_string_fn("toChars", 0, lambda s: list(s))
_string_fn("replace", 2, lambda s, a, b: s.replace(a, b) if a else b + b.join(s) + b if s else b)
_string_fn("matches", 1, lambda s, p: _regex(p).search(s) is not None)
_string_fn("matchesFull", 1, lambda s, p: _regex(p).fullmatch(s) is not None)
_string_fn("replaceMatches", 2, lambda s, p, r: _regex(p).sub(re.sub(r"\$(\d)", r"\\\1", r), s)
           if p else s)
_string_fn("split", 1, lambda s, sep: s.split(sep))
_string_fn("encode", 1, lambda s, fmt: _encode(s, fmt))
_string_fn("decode", 1, lambda s, fmt: _decode(s, fmt))
_string_fn("escape", 1, lambda s, fmt: _escape(s, fmt))
_string_fn("unescape", 1, lambda s, fmt: _unescape(s, fmt))


@fhirpath_function("contains", 1, 1)
def _contains(env, items, args, nodes):
    s = to_system(singleton(items))
    p = _arg(env, items, args[0])
    if s is None or p is None:
        return []
    if not isinstance(s, str):
        raise CqlRuntimeError("contains() needs a string")
    return [p in s]


@fhirpath_function("join", 0, 1)
def _join(env, items, args, nodes):
    sep = _arg(env, items, args[0]) if args else ""
    return ["".join([]) if not items else (sep or "").join(str(to_system(i)) for i in items)]


def _encode(s: str, fmt: str) -> Any:
    import base64
    if fmt == "hex":
        return s.encode().hex()
    if fmt == "base64":
        return base64.b64encode(s.encode()).decode()
    if fmt == "urlbase64":
        return base64.urlsafe_b64encode(s.encode()).decode()
    return None


def _decode(s: str, fmt: str) -> Any:
    import base64
    try:
        if fmt == "hex":
            return bytes.fromhex(s).decode()
        if fmt == "base64":
            return base64.b64decode(s).decode()
        if fmt == "urlbase64":
            return base64.urlsafe_b64decode(s).decode()
    except ValueError:
        return None
    return None


def _escape(s: str, fmt: str) -> Any:
    import html
    import json
    if fmt == "html":
        return html.escape(s, quote=True).replace("&#x27;", "&#39;")
    if fmt == "json":
        return json.dumps(s)[1:-1]
    return None


def _unescape(s: str, fmt: str) -> Any:
    import html
    import json
    if fmt == "html":
        return html.unescape(s)
    if fmt == "json":
        return re.sub(r'\\(u[0-9a-fA-F]{4}|.)', lambda m: json.loads('"\\' + m.group(1) + '"'), s)
    return None


# ---------------------------------------------------------------- math
def _math_fn(name: str, fn: Callable[[Any], Any], n_args: int = 0) -> None:
    @fhirpath_function(name, 0, n_args)
    def run(env, items, args, nodes):
        v = to_system(singleton(items))
        if v is None:
            return []
        extra = [_arg(env, items, a) for a in args]
        if any(e is None for e in extra):
            return []
        if isinstance(v, bool) or not isinstance(v, (int, Decimal, Quantity)):
            raise CqlRuntimeError(f"{name}() needs a number")
        try:
            r = fn(v, *extra)
        except (ValueError, InvalidOperation, ArithmeticError):
            return []
        return [] if r is None else [r]


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(v)


def _abs(v: Any) -> Any:
    if isinstance(v, Quantity):
        return Quantity(abs(v.value), v.unit)
    return abs(v)


def _round(v: Any, places: int = 0) -> Any:
    return _dec(v).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")


def _ln(v: Any) -> Any:
    return None if v <= 0 else Decimal(str(math.log(v)))


def _sqrt(v: Any) -> Any:
    return None if v < 0 else Decimal(str(math.sqrt(v)))


def _power(v: Any, e: Any) -> Any:
    if isinstance(v, int) and isinstance(e, int) and not isinstance(v, bool) and e >= 0:
        return v ** e
    try:
        r = _dec(v) ** _dec(e)
    except InvalidOperation:
        return None
    return None if r.is_nan() else r


_math_fn("abs", _abs)
_math_fn("ceiling", lambda v: int(math.ceil(v)))
_math_fn("floor", lambda v: int(math.floor(v)))
_math_fn("truncate", lambda v: int(v))
_math_fn("round", _round, 1)
_math_fn("exp", lambda v: Decimal(str(math.exp(v))))
_math_fn("ln", _ln)
_math_fn("log", lambda v, b: None if v <= 0 or b <= 0 else Decimal(str(math.log(v) / math.log(b))), 1)
_math_fn("power", _power, 1)
_math_fn("sqrt", _sqrt)


# ---------------------------------------------------------------- tree navigation
@fhirpath_function("children")
def _children(env, items, args, nodes):
    out: list = []
    for i in items:
        if isinstance(i, Node):
            out.extend(i.all_children())
    return out


@fhirpath_function("descendants")
def _descendants(env, items, args, nodes):
    out: list = []
    queue = [i for i in items if isinstance(i, Node)]
    while queue:
        node = queue.pop(0)
        kids = list(node.all_children())
        out.extend(kids)
        queue.extend(kids)
    return out


@fhirpath_function("extension", 1, 1)
def _extension(env, items, args, nodes):
    url = _arg(env, items, args[0])
    out: list = []
    for i in items:
        if isinstance(i, Node):
            for ext in i.children("extension"):
                if isinstance(ext.value, dict) and ext.value.get("url") == url:
                    out.append(ext)
    return out


@fhirpath_function("hasValue")
def _has_value(env, items, args, nodes):
    item = items[0] if len(items) == 1 else None
    return [isinstance(item, Node) and item.is_primitive and item.value is not None]


@fhirpath_function("getValue")
def _get_value(env, items, args, nodes):
    item = items[0] if len(items) == 1 else None
    if isinstance(item, Node) and item.is_primitive and item.value is not None:
        return [to_system(item)]
    return []


@fhirpath_function("trace", 1, 2)
def _trace(env, items, args, nodes):
    return items


@fhirpath_function("resolve")
def _resolve(env, items, args, nodes):
    return []


@fhirpath_function("conformsTo", 1, 1)
def _conforms_to(env, items, args, nodes):
    url = _arg(env, items, args[0])
    item = singleton(items)
    if item is None or url is None:
        return []
    if not url.startswith("http://hl7.org/fhir/StructureDefinition/"):
        raise CqlRuntimeError(f"unknown profile {url}")
    return [isinstance(item, Node) and url.rsplit("/", 1)[1] == item.type]


@fhirpath_function("type")
def _type(env, items, args, nodes):
    from fhirrules.cql.types.tuple import CqlTuple
    out = []
    for i in items:
        if isinstance(i, Node):
            out.append(CqlTuple([("namespace", "FHIR"), ("name", i.type)]))
        else:
            out.append(CqlTuple([("namespace", "System"), ("name", system_type_name(i))]))
    return out


# ---------------------------------------------------------------- utility
@fhirpath_function("now")
def _now(env, items, args, nodes):
    return [env.now] if env.now is not None else []


@fhirpath_function("today")
def _today(env, items, args, nodes):
    if env.now is None:
        return []
    from fhirrules.cql.operators.temporal import date_from
    return [date_from(env.now)]


@fhirpath_function("timeOfDay")
def _time_of_day(env, items, args, nodes):
    if env.now is None:
        return []
    from fhirrules.cql.operators.temporal import time_from
    return [time_from(env.now)]


@fhirpath_function("not")
def _not(env, items, args, nodes):
    b = to_boolean(items)
    return [] if b is None else [not b]


@fhirpath_function("aggregate", 1, 2)
def _aggregate(env, items, args, nodes):
    total = args[1](env, items) if len(args) > 1 else []
    for i, item in enumerate(items):
        child = env.child(item, i, total)
        total = args[0](child, [item])
    return total


@fhirpath_function("sort", 0, 9)
def _sort(env, items, args, nodes):
    import functools
    from fhirrules.cql.operators import comparison
    from fhirrules.fhir.fhirpath import compile_node
    keys = []
    for arg, node in zip(args, nodes):
        descending = isinstance(node, ast.UnaryOp) and node.op == "Negate"
        keys.append((compile_node(node.operand) if descending else arg, descending))

    def key_of(item: Any, arg: Callable) -> Any:
        return to_system(singleton(arg(env.child(item), [item])))

    def cmp(a: Any, b: Any) -> int:
        if not keys:
            c = comparison.compare(to_system(a), to_system(b))
            return c or 0
        for arg, descending in keys:
            ka, kb = key_of(a, arg), key_of(b, arg)
            if ka is None or kb is None:
                c = (ka is not None) - (kb is not None)
            else:
                c = comparison.compare(ka, kb) or 0
            if c:
                return -c if descending else c
        return 0
    return sorted(items, key=functools.cmp_to_key(cmp))


def _decimal_boundary(value: Decimal, scale: int, digits: int, high: bool) -> Decimal:
    """FHIRPath boundaries of a decimal: the value is uncertain by half a unit of its last
    digit (1.587 lies in [1.5865, 1.5875)), then cut to ``digits`` decimals outward."""
    import decimal
    half = Decimal(5).scaleb(-(scale + 1))
    edge = value + half if high else value - half
    rounding = decimal.ROUND_CEILING if high else decimal.ROUND_FLOOR
    return edge.quantize(Decimal(1).scaleb(-digits), rounding=rounding)


def _scale(value: Any) -> int:
    if isinstance(value, Decimal):
        return max(-value.as_tuple().exponent, 0)
    return 0


def _boundary(high: bool) -> Callable:
    def run(env, items, args, nodes):
        v = to_system(singleton(items))
        if v is None:
            return []
        digits = _arg(env, items, args[0]) if args else None
        kind = system_type_name(v)
        if kind in ("Integer", "Long", "Decimal") or isinstance(v, Quantity):
            number = v.value if isinstance(v, Quantity) else v
            d = 8 if digits is None else digits
            if not 0 <= d <= 28:
                return []
            r = _decimal_boundary(Decimal(number), _scale(number), d, high)
            return [Quantity(r, v.unit) if isinstance(v, Quantity) else r]
        if kind in ("Date", "DateTime", "Time"):
            r = v.high_boundary(digits) if high else v.low_boundary(digits)
            if r is None:
                return []
            if kind == "DateTime":
                if r.precision in ("year", "month", "day"):
                    return [parse_temporal("Date", r.cql_str().lstrip("@").rstrip("T"))]
                if getattr(r, "offset", None) is None and r.precision not in ("year", "month", "day"):
                    # unknown timezone: the earliest instant is at +14:00, the latest at -12:00
                    from fhirrules.cql.types.temporal import DateTime
                    r = DateTime(*r.fields, offset=Decimal(-12) if high else Decimal(14))
            return [r]
        return []
    return run


FUNCTIONS["lowBoundary"] = _boundary(False)
FUNCTIONS["highBoundary"] = _boundary(True)


@fhirpath_function("precision")
def _precision(env, items, args, nodes):
    v = to_system(singleton(items))
    if v is None:
        return []
    from fhirrules.cql.operators.registry import FUNCTIONS as CQL_FUNCTIONS
    fn = CQL_FUNCTIONS.get("Precision")
    r = fn(v) if fn else None
    return [] if r is None else [r]


@fhirpath_function("comparable", 1, 1)
def _comparable(env, items, args, nodes):
    a = to_system(singleton(items))
    b = _arg(env, items, args[0])
    if not isinstance(a, Quantity) or not isinstance(b, Quantity):
        return []
    from fhirrules.cql.operators import comparison
    return [comparison.compare(a, Quantity(b.value, b.unit)) is not None]


@fhirpath_function("sum")
def _sum(env, items, args, nodes):
    total: Any = 0
    for i in items:
        total = total + to_system(i)
    return [total]


@fhirpath_function("memberOf", 1, 1)
def _member_of(env, items, args, nodes):
    return []


__all__ = ["FUNCTIONS", "item_equivalent"]
