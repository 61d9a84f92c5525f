"""Conditionals: ``between``, ``if``/``then``/``else`` and ``case`` (with or without a
comparand)."""
from __future__ import annotations

from typing import Any, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import equal, operator
from fhirrules.cql.compile_convert import system_arg
from fhirrules.cql.compile_literals import _common_type
from fhirrules.cql.types import typesys as T

_NOT_FOUND = "no System operator '{op}' is available (operator registry)"


def compile_between(comp: Any, node: ast.Between, scope: Any) -> tuple:
    x, xt = comp.expr(node.operand, scope)
    lo, _ = comp.expr(node.low, scope)
    hi, _ = comp.expr(node.high, scope)
    ge = operator("Greater" if node.properly else "GreaterOrEqual")
    le = operator("Less" if node.properly else "LessOrEqual")
    if ge is None or le is None:
        raise comp.error(node, _NOT_FOUND.format(op="GreaterOrEqual/LessOrEqual"))
    x = system_arg(comp, x, xt)

    def between(ctx: Any) -> Any:
        v = x(ctx)
        left = ge(v, lo(ctx))
        if left is False:
            return False
        right = le(v, hi(ctx))
        if right is False:
            return False
        if left is None or right is None:
            return None
        return True
    return comp.located(node, between), T.BOOLEAN


def compile_if(comp: Any, node: ast.If, scope: Any) -> tuple:
    c, _ = comp.expr(node.condition, scope)
    th, tt = comp.expr(node.then, scope)
    el, et = comp.expr(node.else_, scope)

    def if_(ctx: Any) -> Any:
        return th(ctx) if c(ctx) is True else el(ctx)
    return if_, _result_type([tt, et])


def _result_type(types: list) -> Optional[T.CqlType]:
    known = [t for t in types if t is not None]
    return _common_type(known) if known else None


def compile_case(comp: Any, node: ast.Case, scope: Any) -> tuple:
    items = [(comp.expr(i.when, scope)[0], comp.expr(i.then, scope)) for i in node.items]
    el, et = comp.expr(node.else_, scope)
    pairs = [(w, th) for w, (th, _) in items]
    rtype = _result_type([t for _, (_, t) in items] + [et])
    if node.comparand is not None:
        cmp_fn, _ = comp.expr(node.comparand, scope)

        def case_value(ctx: Any) -> Any:
            v = cmp_fn(ctx)
            for w, th in pairs:
                if equal(v, w(ctx)) is True:
                    return th(ctx)
            return el(ctx)
        return comp.located(node, case_value), rtype

    def case(ctx: Any) -> Any:
        for w, th in pairs:
            if w(ctx) is True:
                return th(ctx)
        return el(ctx)
    return case, rtype
