"""Timing phrases (cql.g4 intervalOperatorPhrase): 'same day or before', 'starts 3 days
or less before start', 'properly included in', 'overlaps after', 'within 3 days of'...

``TIMING_PHRASE`` matches one phrase and yields a ``TimingOp``; ``build_timing(left, op,
right)`` turns it into the AST.  A phrase that is exactly one ELM operator (no start/end
boundary, no quantity offset) becomes a ``BinaryOp`` by ELM name; everything else stays a
structured ``TimingExpr`` for the compiler to rewrite (see ``ast.TimingExpr``).

A boundary word followed by 'of' ('before start of X') is left to the right operand,
which then parses as ``UnaryOp('Start', X)``: the ELM produced is the same.
"""
from __future__ import annotations

from typing import Any, Optional

import pyparsing as pp

from . import ast
from .grammar_lexical import PRECISION, kw, kws
from .grammar_literals import QUANTITY
from .grammar_support import Marker, mark


class TimingOp:
    """One parsed timing phrase, before its operands are attached."""
    __slots__ = ("relation", "left_boundary", "right_boundary", "quantity",
                 "quantity_qualifier", "properly", "precision")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.relation: str = fields["relation"]
        self.left_boundary: Optional[str] = fields.get("left_boundary")
        self.right_boundary: Optional[str] = fields.get("right_boundary")
        self.quantity: Optional[ast.Expr] = fields.get("quantity")
        self.quantity_qualifier: Optional[str] = fields.get("quantity_qualifier")
        self.properly: bool = fields.get("properly", False)
        self.precision: Optional[str] = fields.get("precision")

    def __repr__(self) -> str:
        return f"TimingOp({self.relation!r})"


def _m(expr: pp.ParserElement, name: str, value: Any) -> pp.ParserElement:
    return expr.copy().set_parse_action(mark(name, value))


def _phrase(toks: pp.ParseResults) -> list[TimingOp]:
    fields: dict[str, Any] = {}
    for t in toks:
        if isinstance(t, Marker):
            fields[t.name] = t.value
        elif isinstance(t, ast.Literal):
            fields["quantity"] = t
    return [TimingOp(fields)]


_LEFT = (_m(kw("starts"), "left_boundary", "start") | _m(kw("ends"), "left_boundary", "end")
         | _m(kw("occurs"), "left_boundary", None))
# 'start'/'end' belongs to the phrase only when not the 'start of X' operator.
_RIGHT = ((_m(kw("start"), "right_boundary", "start") | _m(kw("end"), "right_boundary", "end"))
          + ~kw("of"))
_PROPERLY = _m(kw("properly"), "properly", True)
_PRECISION = PRECISION.copy().add_parse_action(lambda t: [Marker("precision", t[0])])
_PRECISION_OF = _PRECISION + pp.Suppress(kw("of"))

_SAME = (pp.Suppress(kw("same")) - pp.Opt(_PRECISION)
         + (_m(kws("or", "before"), "relation", "same_or_before")
            | _m(kws("or", "after"), "relation", "same_or_after")
            | _m(kw("as"), "relation", "same_as"))
         + pp.Opt(_RIGHT))

_INCLUDED_IN = (pp.Opt(_PROPERLY)
                + (_m(kw("during"), "relation", "during")
                   | _m(kws("included", "in"), "relation", "included_in"))
                + pp.Opt(_PRECISION_OF))

_QUALIFIED_QUANTITY = (
    (_m(kws("less", "than"), "quantity_qualifier", "less than")
     | _m(kws("more", "than"), "quantity_qualifier", "more than")) + QUANTITY
    | QUANTITY + pp.Opt(_m(kws("or", "more"), "quantity_qualifier", "or more")
                        | _m(kws("or", "less"), "quantity_qualifier", "or less")))

_BEFORE = _m(kw("before"), "relation", "before")
_AFTER = _m(kw("after"), "relation", "after")
_ON_OR = pp.Suppress(kws("on", "or"))
_OR_ON = pp.Suppress(kws("or", "on"))
_RELATIONSHIP = (
    _ON_OR + (_m(kw("before"), "relation", "same_or_before")
              | _m(kw("after"), "relation", "same_or_after"))
    | (kw("before") + _OR_ON).set_parse_action(mark("relation", "same_or_before"))
    | (kw("after") + _OR_ON).set_parse_action(mark("relation", "same_or_after"))
    | _BEFORE | _AFTER)
_BEFORE_AFTER = pp.Opt(_QUALIFIED_QUANTITY) + _RELATIONSHIP + pp.Opt(_PRECISION_OF) + pp.Opt(_RIGHT)

_WITHIN = (pp.Opt(_PROPERLY) + _m(kw("within"), "relation", "within") - QUANTITY
           - pp.Suppress(kw("of")) + pp.Opt(_RIGHT))

_INCLUDES = (pp.Opt(_PROPERLY) + _m(kw("includes"), "relation", "includes")
             + pp.Opt(_PRECISION_OF) + pp.Opt(_RIGHT))
_MEETS = (kw("meets") + pp.Opt(_m(kw("before"), "dir", "before") | _m(kw("after"), "dir", "after"))
          + pp.Opt(_PRECISION_OF))
_MEETS.set_parse_action(lambda t: _directional("meets", t))
_OVERLAPS = (kw("overlaps")
             + pp.Opt(_m(kw("before"), "dir", "before") | _m(kw("after"), "dir", "after"))
             + pp.Opt(_PRECISION_OF))
_OVERLAPS.set_parse_action(lambda t: _directional("overlaps", t))
_STARTS = (kw("starts") + pp.Opt(_PRECISION_OF)).set_parse_action(
    lambda t: [Marker("relation", "starts")] + [x for x in t if isinstance(x, Marker)])
_ENDS = (kw("ends") + pp.Opt(_PRECISION_OF)).set_parse_action(
    lambda t: [Marker("relation", "ends")] + [x for x in t if isinstance(x, Marker)])


def _directional(base: str, toks: pp.ParseResults) -> list[Marker]:
    out = [t for t in toks if isinstance(t, Marker) and t.name != "dir"]
    direction = next((t.value for t in toks if isinstance(t, Marker) and t.name == "dir"), None)
    relation = f"{base}_{direction}" if direction else base
    return [Marker("relation", relation)] + out


TIMING_PHRASE = (
    (pp.Opt(_LEFT) + (_SAME | _INCLUDED_IN | _WITHIN | _BEFORE_AFTER))
    | _INCLUDES | _MEETS | _OVERLAPS | _STARTS | _ENDS
).set_parse_action(_phrase).set_name("a timing phrase")

# ELM operator for a phrase without boundaries or offset: relation -> (op, proper op)
_ELM = {
    "same_as": ("SameAs", None), "same_or_before": ("SameOrBefore", None),
    "same_or_after": ("SameOrAfter", None), "before": ("Before", None),
    "after": ("After", None), "includes": ("Includes", "ProperIncludes"),
    "included_in": ("IncludedIn", "ProperIncludedIn"),
    "during": ("IncludedIn", "ProperIncludedIn"), "meets": ("Meets", None),
    "meets_before": ("MeetsBefore", None), "meets_after": ("MeetsAfter", None),
    "overlaps": ("Overlaps", None), "overlaps_before": ("OverlapsBefore", None),
    "overlaps_after": ("OverlapsAfter", None), "starts": ("Starts", None),
    "ends": ("Ends", None),
}


def build_timing(left: ast.Expr, op: TimingOp, right: ast.Expr) -> ast.Expr:
    """The AST node for ``left <phrase> right``."""
    simple = (op.left_boundary is None and op.right_boundary is None and op.quantity is None
              and op.relation in _ELM)
    if simple:
        plain, proper = _ELM[op.relation]
        name = proper if (op.properly and proper) else plain
        if not op.properly or proper:
            node = ast.BinaryOp(name, left, right, precision=op.precision)
            node.pos = left.pos
            return node
    node = ast.TimingExpr(left, right, op.relation, left_boundary=op.left_boundary,
                          right_boundary=op.right_boundary, quantity=op.quantity,
                          quantity_qualifier=op.quantity_qualifier, properly=op.properly,
                          precision=op.precision)
    node.pos = left.pos
    return node
