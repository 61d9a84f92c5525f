"""Queries: single and multi-source (cartesian), ``let``, ``with``/``without ... such
that``, ``where``, ``return [all|distinct]``, ``aggregate ... starting``, ``sort``.

Aliases and lets live in ``ctx.slots``; the query saves and restores the slots it binds
so that a recursive function evaluating the same query again cannot clobber them."""
from __future__ import annotations

import functools
import itertools
from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import compare, equivalent
from fhirrules.cql.compile_scope import MISSING, Binding, new_slot
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import Code
from fhirrules.cql.types.quantity import Quantity
from fhirrules.cql.types.tuple import CqlTuple


def compile_query(comp: Any, node: ast.Query, scope: Any) -> tuple:
    sources = []
    names: dict[str, Binding] = {}
    known_shape = True          # False when a source's type is unknown (list or single?)
    for src in node.sources:
        fn, t = comp.expr(src.source, scope)
        if T.is_system(t, "ValueSet"):
            fn, t = _expanded(fn), T.ListType(T.CODE)     # a value set used as a list of codes
        et = t.element if isinstance(t, T.ListType) else t
        b = Binding(new_slot(), et, "alias")
        names[src.alias] = b
        sources.append((src.alias, fn, b.slot, isinstance(t, T.ListType)))
        known_shape = known_shape and t is not None
    qscope = scope.child(names)
    lets = []
    for let in node.lets:
        fn, t = comp.expr(let.expr, qscope)
        b = Binding(new_slot(), t, "let")
        qscope = qscope.child({let.name: b})
        lets.append((b.slot, fn))
    rels = [_relationship(comp, r, qscope) for r in node.relationships]
    where = comp.expr(node.where, qscope)[0] if node.where is not None else None
    single = len(sources) == 1
    ret_fn: Optional[Callable] = None
    ret_type: Optional[T.CqlType] = None
    if node.return_expr is not None:
        ret_fn, ret_type = comp.expr(node.return_expr, qscope)
    elif single:
        ret_type = names[sources[0][0]].type
    else:
        ret_type = T.TupleType(tuple((a, names[a].type) for a, _, _, _ in sources))
    slots = [s for _, _, s, _ in sources] + [s for s, _ in lets]
    filt = _filter(sources, lets, rels, where)

    if node.aggregate is not None:
        run = _aggregate(comp, node.aggregate, qscope, sources, filt, slots)
        return comp.located(node, run), None

    # Without a return clause the sorted elements are the source elements: 'sort by'
    # may then also name the alias, bound to each element while its key is computed.
    alias_slot = sources[0][2] if single and ret_fn is None else None
    # After a return clause, 'sort by' names properties of the returned elements; the
    # query's aliases and lets are out of scope there (a let called 'at' must not hide
    # the returned tuple's element 'at').
    sort_scope = qscope if ret_fn is None else scope
    sorter = _sorter(comp, node.sort, ret_type, sort_scope, alias_slot) if node.sort else None
    distinct = node.return_expr is not None and node.return_distinct
    aliases = [a for a, _, _, _ in sources]
    static_list = all(is_list for _, _, _, is_list in sources)

    def query(ctx: Any) -> Any:
        s = ctx.slots
        saved = [s.get(k, MISSING) for k in slots]
        try:
            values = [fn(ctx) for _, fn, _, _ in sources]
            unwrap = False
            if single:
                v = values[0]
                if type(v) is not list:
                    if v is None and static_list:
                        return None
                    unwrap = True
                    values = [[v]] if v is not None else [[]]
            else:
                values = [v if type(v) is list else ([] if v is None else [v]) for v in values]
            out = []
            for combo in filt(ctx, values):
                if ret_fn is not None:
                    out.append(ret_fn(ctx))
                elif single:
                    out.append(combo[0])
                else:
                    out.append(CqlTuple(zip(aliases, combo)))
            if distinct:
                out = distinct_list(out)
            if sorter is not None:
                out = sorter(ctx, out)
            if unwrap:
                return out[0] if out else None
            return out
        finally:
            _restore(s, slots, saved)
    if not known_shape:
        result_type = None
    else:
        result_type = T.ListType(ret_type) if static_list else ret_type
    return comp.located(node, query), result_type


def _expanded(fn: Callable) -> Callable:
    from fhirrules.cql.compile_system_calls import expand_valueset
    return lambda ctx: expand_valueset(ctx, fn(ctx))


def _restore(s: dict, slots: list[int], saved: list) -> None:
    for k, old in zip(slots, saved):
        if old is MISSING:
            s.pop(k, None)
        else:
            s[k] = old


def _filter(sources: list, lets: list, rels: list, where: Optional[Callable]) -> Callable:
    """A generator function binding each combination of source elements (and the lets)
    and yielding the combinations that pass with/without and where."""
    src_slots = [slot for _, _, slot, _ in sources]

    def gen(ctx: Any, values: list[list]) -> Any:
        s = ctx.slots
        combos = zip(*[values[0]]) if len(values) == 1 else itertools.product(*values)
        for combo in combos:
            for k, v in zip(src_slots, combo):
                s[k] = v
            for k, fn in lets:
                s[k] = fn(ctx)
            ok = True
            for rel in rels:
                if not rel(ctx):
                    ok = False
                    break
            if ok and (where is None or where(ctx) is True):
                yield combo
    return gen


def _relationship(comp: Any, rel: ast.RelationshipClause, scope: Any) -> Callable:
    src, t = comp.expr(rel.source.source, scope)
    b = Binding(new_slot(), t.element if isinstance(t, T.ListType) else t, "alias")
    cond, _ = comp.expr(rel.condition, scope.child({rel.source.alias: b}))
    slot = b.slot
    want = rel.kind == "with"

    def related(ctx: Any) -> bool:
        items = src(ctx)
        if items is None:
            items = []
        elif type(items) is not list:
            items = [items]
        s = ctx.slots
        old = s.get(slot, MISSING)
        try:
            for it in items:
                s[slot] = it
                if cond(ctx) is True:
                    return want
            return not want
        finally:
            if old is MISSING:
                s.pop(slot, None)
            else:
                s[slot] = old
    return related


def _aggregate(comp: Any, agg: ast.AggregateClause, scope: Any, sources: list, filt: Callable,
               slots: list[int]) -> Callable:
    acc = Binding(new_slot(), None, "let")
    start = comp.expr(agg.starting, scope)[0] if agg.starting is not None else (lambda ctx: None)
    body, _ = comp.expr(agg.expr, scope.child({agg.accumulator: acc}))
    all_slots = slots + [acc.slot]
    distinct = agg.distinct

    def aggregate(ctx: Any) -> Any:
        s = ctx.slots
        saved = [s.get(k, MISSING) for k in all_slots]
        try:
            values = []
            for _, fn, _, _ in sources:
                v = fn(ctx)
                values.append(v if type(v) is list else ([] if v is None else [v]))
            if distinct:
                values = [distinct_list(v) for v in values]
            total = start(ctx)
            for _ in filt(ctx, values):
                s[acc.slot] = total
                total = body(ctx)
            return total
        finally:
            _restore(s, all_slots, saved)
    return aggregate


# ---------------------------------------------------------------- sort
_PRECISIONS = ("year", "month", "day", "hour", "minute", "second", "millisecond")


def sort_compare(a: Any, b: Any) -> int:
    """Total order used by ``sort``: nulls first; temporal values of different precision
    that agree on their common precision put the less precise one first."""
    if a is None:
        return 0 if b is None else -1
    if b is None:
        return 1
    c = compare(a, b)
    if c is None:
        pa, pb = getattr(a, "precision", None), getattr(b, "precision", None)
        if pa in _PRECISIONS and pb in _PRECISIONS:
            common = _PRECISIONS[min(_PRECISIONS.index(pa), _PRECISIONS.index(pb))]
            c = compare(a, b, common) or 0
            if c == 0:
                c = (_PRECISIONS.index(pa) > _PRECISIONS.index(pb)) - (_PRECISIONS.index(pa) < _PRECISIONS.index(pb))
        else:
            c = 0
    return c


def _sorter(comp: Any, items: list[ast.SortItem], elem_type: Any, scope: Any,
            alias_slot: Optional[int] = None) -> Callable:
    keys = []
    for item in items:
        if item.expr is None:
            keys.append((None, item.direction.startswith("desc")))
        else:
            b = Binding(new_slot(), elem_type, "implicit")
            fn, _ = comp.expr(item.expr, scope.child(implicit=b))
            keys.append(((b.slot, fn), item.direction.startswith("desc")))

    def sort(ctx: Any, values: list) -> list:
        s = ctx.slots
        decorated = []
        for v in values:
            if alias_slot is not None:
                s[alias_slot] = v
            ks = []
            for key, _ in keys:
                if key is None:
                    ks.append(v)
                else:
                    slot, fn = key
                    s[slot] = v
                    ks.append(fn(ctx))
            decorated.append((ks, v))

        def cmp(x: tuple, y: tuple) -> int:
            for i, (_, desc) in enumerate(keys):
                c = sort_compare(x[0][i], y[0][i])
                if c:
                    return -c if desc else c
            return 0
        decorated.sort(key=functools.cmp_to_key(cmp))
        return [v for _, v in decorated]
    return sort


# ---------------------------------------------------------------- distinct
def _key(v: Any) -> Any:
    """A hashable key such that equal keys mean equivalent values (for the common
    value kinds); raises TypeError for values needing pairwise comparison."""
    if v is None or type(v) in (bool, str):
        return (type(v).__name__, v)
    if type(v) is int or isinstance(v, Decimal):
        return ("num", Decimal(v).normalize())
    if isinstance(v, Quantity) and v.unit == "1":
        return ("qty", v.value.normalize() if v.value is not None else None)
    if isinstance(v, Code):
        return ("code", v.code, v.system)
    if type(v) is list:
        return ("list", tuple(_key(x) for x in v))
    if isinstance(v, CqlTuple):
        return ("tuple", tuple((k, _key(x)) for k, x in v.items()))
    if type(v) is dict:
        # a model value (FHIR resource as a dict): the same object is the same element;
        # comparing resources element by element would make distinct quadratic and slow
        return ("object", id(v))
    # Date/DateTime/Time, Quantity, Interval, Ratio, Concept and model wrappers define
    # value equality and hashing (temporals: equivalence, i.e. same precision and instant)
    hash(v)
    return ("value", type(v).__name__, v)


def distinct_list(values: list) -> list:
    """Remove duplicates keeping first occurrences; nulls count as equal to each other."""
    seen: set = set()
    out: list = []
    slow: list = []
    for v in values:
        try:
            k = _key(v)
        except TypeError:
            if not any(equivalent(v, o) for o in slow):
                slow.append(v)
                out.append(v)
            continue
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out
