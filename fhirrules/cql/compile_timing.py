"""Timing phrases (``ast.TimingExpr``) rewritten into interval/date-time operators, per
the spec's interpretation of timing phrases (author's guide, "Timing and Interval
Operators"; Appendix H):

* boundaries: ``starts``/``ends`` and ``start``/``end`` of an operand take Start/End;
* ``before``/``after`` with an offset compare against ``B -/+ offset``; when an operand
  is an interval without an explicit boundary, ``before`` looks at the end of the left
  and the start of the right, ``after`` at the start of the left and the end of the right;
  ``or more`` is inclusive, ``more than`` exclusive, ``or less``/``less than`` test
  membership in the interval between ``B`` and ``B -/+ offset``;
* ``within Q of B`` is membership in ``Interval[start B - Q, end B + Q]`` (open when
  ``properly``);
* ``during``/``included in``/``includes`` choose the point or interval overload at run
  time (In/Contains or IncludedIn/Includes).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import operator
from fhirrules.cql.compile_convert import system_arg
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.interval import Interval


def _op(comp: Any, node: Any, name: str) -> Callable:
    fn = operator(name)
    if fn is None:
        raise comp.error(node, f"no System operator '{name}' is available (operator registry)")
    return fn


def _boundary(comp: Any, node: Any, fn: Callable, which: Optional[str]) -> Callable:
    if which is None:
        return fn
    op = _op(comp, node, "Start" if which == "start" else "End")
    return lambda ctx: op(fn(ctx))


def _implicit_point(comp: Any, node: Any, fn: Callable, which: str) -> Callable:
    """For offset comparisons an interval operand stands for one of its boundaries."""
    op = _op(comp, node, "Start" if which == "start" else "End")

    def point(ctx: Any) -> Any:
        v = fn(ctx)
        return op(v) if isinstance(v, Interval) else v
    return point


def _with_precision(fn: Callable, prec: Optional[str]) -> Callable:
    if prec is None:
        return fn
    return lambda a, b: fn(a, b, precision=prec)


def compile_timing(comp: Any, node: ast.TimingExpr, scope: Any) -> tuple:
    lf, lt = comp.expr(node.left, scope)
    rf, rt = comp.expr(node.right, scope)
    lf = _boundary(comp, node, system_arg(comp, lf, lt), node.left_boundary)
    rf = _boundary(comp, node, system_arg(comp, rf, rt), node.right_boundary)
    rel = node.relation
    prec = node.precision
    if node.quantity is not None and rel in ("before", "after", "same_or_before", "same_or_after"):
        run = _offset(comp, node, lf, rf, scope)
    elif node.quantity is not None and rel == "within":
        run = _within(comp, node, lf, rf, scope)
    elif rel in ("during", "included_in", "includes"):
        run = _inclusion(comp, node, lf, rf)
    else:
        name = _SIMPLE.get(rel)
        if name is None:
            raise comp.error(node, f"unsupported timing relation '{rel}'")
        fn = _with_precision(_op(comp, node, name), prec)
        run = lambda ctx: fn(lf(ctx), rf(ctx))  # noqa: E731
    return comp.located(node, run), T.BOOLEAN


_SIMPLE = {
    "before": "Before", "after": "After", "same_as": "SameAs", "same_or_before": "SameOrBefore",
    "same_or_after": "SameOrAfter", "meets": "Meets", "meets_before": "MeetsBefore",
    "meets_after": "MeetsAfter", "overlaps": "Overlaps", "overlaps_before": "OverlapsBefore",
    "overlaps_after": "OverlapsAfter", "starts": "Starts", "ends": "Ends",
}


def _inclusion(comp: Any, node: ast.TimingExpr, lf: Callable, rf: Callable) -> Callable:
    prec = node.precision
    if node.relation == "includes":
        whole = _with_precision(_op(comp, node, "ProperIncludes" if node.properly else "Includes"), prec)
        point = whole if node.properly else _with_precision(_op(comp, node, "Contains"), prec)

        def includes(ctx: Any) -> Any:
            a, b = lf(ctx), rf(ctx)
            return whole(a, b) if isinstance(b, (Interval, list)) else point(a, b)
        return includes
    whole = _with_precision(_op(comp, node, "ProperIncludedIn" if node.properly else "IncludedIn"), prec)
    point = whole if node.properly else _with_precision(_op(comp, node, "In"), prec)

    def during(ctx: Any) -> Any:
        a, b = lf(ctx), rf(ctx)
        return whole(a, b) if isinstance(a, (Interval, list)) else point(a, b)
    return during


def _offset(comp: Any, node: ast.TimingExpr, lf: Callable, rf: Callable, scope: Any) -> Callable:
    rel = node.relation
    before = rel in ("before", "same_or_before")
    inclusive_anchor = rel.startswith("same_or")     # 'on or before': the anchor itself counts
    q, _ = comp.expr(node.quantity, scope)
    prec = node.precision
    left = lf if node.left_boundary else _implicit_point(comp, node, lf, "end" if before else "start")
    right = rf if node.right_boundary else _implicit_point(comp, node, rf, "start" if before else "end")
    shift = _op(comp, node, "Subtract" if before else "Add")
    qual = node.quantity_qualifier
    if qual in (None, "exact"):
        same = _with_precision(_op(comp, node, "SameAs"), prec)
        return lambda ctx: same(left(ctx), shift(right(ctx), q(ctx)))
    if qual in ("or more", "more than"):
        name = {("or more", True): "SameOrBefore", ("or more", False): "SameOrAfter",
                ("more than", True): "Before", ("more than", False): "After"}[(qual, before)]
        cmp = _with_precision(_op(comp, node, name), prec)
        return lambda ctx: cmp(left(ctx), shift(right(ctx), q(ctx)))
    if qual in ("or less", "less than"):
        member = _with_precision(_op(comp, node, "In"), prec)
        offset_closed = qual == "or less"

        def within_offset(ctx: Any) -> Any:
            anchor = right(ctx)
            far = shift(anchor, q(ctx))
            if anchor is None or far is None:
                return None
            if before:
                iv = Interval(far, anchor, offset_closed, inclusive_anchor)
            else:
                iv = Interval(anchor, far, inclusive_anchor, offset_closed)
            return member(left(ctx), iv)
        return within_offset
    raise comp.error(node, f"unsupported offset qualifier '{qual}'")


def _within(comp: Any, node: ast.TimingExpr, lf: Callable, rf: Callable, scope: Any) -> Callable:
    q, _ = comp.expr(node.quantity, scope)
    sub, add = _op(comp, node, "Subtract"), _op(comp, node, "Add")
    start, end = _op(comp, node, "Start"), _op(comp, node, "End")
    prec = node.precision
    member = _with_precision(_op(comp, node, "In"), prec)
    included = _with_precision(_op(comp, node, "IncludedIn"), prec)
    closed = not node.properly

    def within(ctx: Any) -> Any:
        b = rf(ctx)
        qty = q(ctx)
        if b is None:
            return None
        lo, hi = (start(b), end(b)) if isinstance(b, Interval) else (b, b)
        if lo is None or hi is None:
            return None
        iv = Interval(sub(lo, qty), add(hi, qty), closed, closed)
        a = lf(ctx)
        return included(a, iv) if isinstance(a, Interval) else member(a, iv)
    return within
