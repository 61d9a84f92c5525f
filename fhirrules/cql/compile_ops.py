"""Operators: unary and binary operators by ELM name (from the operator registry), the
list/element overloads of includes/included in, result types, and terminology
membership (``in`` ValueSet / CodeSystem)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Optional

from fhirrules.cql import ast
from fhirrules.cql.compile_bridge import operator
from fhirrules.cql.compile_convert import system_arg
from fhirrules.cql.compile_logic import LOGIC, UNARY_INLINE
from fhirrules.cql.compile_literals import const, literal_value
from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types import typesys as T
from fhirrules.cql.types.clinical import CodeSystemRef, ValueSetRef
from fhirrules.cql.types.quantity import Quantity

_NOT_FOUND = "no System operator '{op}' is available (operator registry)"


_BOOL_RESULT = {"Equal", "NotEqual", "Equivalent", "NotEquivalent", "Less", "LessOrEqual", "Greater",
                "GreaterOrEqual", "In", "Contains", "Includes", "IncludedIn", "ProperIncludes",
                "ProperIncludedIn", "Before", "After", "SameAs", "SameOrBefore", "SameOrAfter", "Meets",
                "MeetsBefore", "MeetsAfter", "Overlaps", "OverlapsBefore", "OverlapsAfter", "Starts",
                "Ends", "And", "Or", "Xor", "Implies", "Not", "Exists", "IsNull", "IsTrue", "IsFalse"}


# ---------------------------------------------------------------- unary
def compile_unary(comp: Any, node: ast.UnaryOp, scope: Any) -> tuple:
    op = node.op
    if op in ("Negate", "Plus", "Positive", "UnaryPlus") and isinstance(node.operand, ast.Literal) \
            and node.operand.type in ("Integer", "Long", "Decimal", "Quantity"):
        value, t = literal_value(comp, node.operand, negate=(op == "Negate"))
        return const(value), t
    if op in ("Plus", "Positive", "UnaryPlus"):
        return comp.expr(node.operand, scope)
    a, t = comp.expr(node.operand, scope)
    inline = UNARY_INLINE.get(op)
    if inline is not None:
        return inline(a), T.BOOLEAN
    _static_unary_checks(comp, node, t)
    fn = operator(op)
    if fn is None:
        raise comp.error(node, _NOT_FOUND.format(op=op))
    a = system_arg(comp, a, t)
    prec = node.precision
    if prec is not None and op in ("Expand", "Collapse"):
        # 'per day' arrives as a precision: the operators take a per-Quantity of 1 unit.
        per = Quantity(Decimal(1), prec)
        run = lambda ctx: fn(a(ctx), per)  # noqa: E731
    elif prec is not None:
        run = lambda ctx: fn(a(ctx), precision=prec)  # noqa: E731
    else:
        run = lambda ctx: fn(a(ctx))  # noqa: E731
    return comp.located(node, run), _unary_type(op, t)


def _static_unary_checks(comp: Any, node: ast.UnaryOp, t: Optional[T.CqlType]) -> None:
    if node.op == "Width" and isinstance(t, T.IntervalType) and isinstance(t.point, T.NamedType) \
            and t.point.name in ("Date", "DateTime", "Time"):
        raise comp.error(node, f"width is not defined for {t} (no arithmetic difference of "
                               f"date/time points)")


def _unary_type(op: str, t: Optional[T.CqlType]) -> Optional[T.CqlType]:
    if op in _BOOL_RESULT:
        return T.BOOLEAN
    if op in ("Negate", "Abs", "Successor", "Predecessor", "Distinct", "Collapse"):
        return t
    if op in ("SingletonFrom",) and isinstance(t, T.ListType):
        return t.element
    if op in ("Start", "End", "PointFrom") and isinstance(t, T.IntervalType):
        return t.point
    if op in ("Width", "Size") and isinstance(t, T.IntervalType):
        return t.point
    if op == "Flatten" and isinstance(t, T.ListType) and isinstance(t.element, T.ListType):
        return t.element
    return None


# ---------------------------------------------------------------- binary
def compile_binary(comp: Any, node: ast.BinaryOp, scope: Any) -> tuple:
    op = node.op
    a, at = comp.expr(node.left, scope)
    b, bt = comp.expr(node.right, scope)
    logic = LOGIC.get(op)
    if logic is not None:
        return logic(a, b), T.BOOLEAN
    if op in ("In", "Contains"):
        term = _terminology_membership(comp, node, a, at, b, bt)
        if term is not None:
            return term
    _static_binary_checks(comp, node, at, bt)
    if op in _LIST_POINT:
        chosen = _list_point_overload(comp, node, a, at, b, bt)
        if chosen is not None:
            return chosen
    fn = operator(op)
    if fn is None:
        negated = {"NotEqual": "Equal", "NotEquivalent": "Equivalent"}.get(op)
        base = operator(negated) if negated else None
        if base is None:
            raise comp.error(node, _NOT_FOUND.format(op=op))
        fn = lambda x, y, **kw: (lambda r: None if r is None else not r)(base(x, y, **kw))  # noqa: E731
    a = system_arg(comp, a, at)
    b = system_arg(comp, b, bt)
    prec = node.precision
    if prec is not None:
        run = lambda ctx: fn(a(ctx), b(ctx), precision=prec)  # noqa: E731
    else:
        run = lambda ctx: fn(a(ctx), b(ctx))  # noqa: E731
    return comp.located(node, run), _binary_type(op, at, bt)


# 'includes'/'included in' between a list and a single element are the list membership
# operators (ELM Contains/In and their proper forms), chosen by the operands' types.
_LIST_POINT = {"Includes": ("Contains", True), "ProperIncludes": ("ProperContains", True),
               "IncludedIn": ("In", False), "ProperIncludedIn": ("ProperIn", False)}


def _list_point_overload(comp: Any, node: Any, a: Callable, at: Any, b: Callable, bt: Any) -> Optional[tuple]:
    point_name, list_left = _LIST_POINT[node.op]
    list_t, point_t = (at, bt) if list_left else (bt, at)
    if not isinstance(list_t, T.ListType) or isinstance(point_t, (T.ListType, T.IntervalType)):
        return None
    point_node = node.right if list_left else node.left
    if point_t is None and isinstance(point_node, ast.Literal) and not node.op.startswith("Proper"):
        return None     # an untyped null resolves to the list-list overload (result null)
    whole, point = operator(node.op), operator(point_name)
    if whole is None or point is None:
        return None
    a, b = system_arg(comp, a, at), system_arg(comp, b, bt)
    if point_t is not None:
        return comp.located(node, lambda ctx: point(a(ctx), b(ctx))), T.BOOLEAN

    def choose(ctx: Any) -> Any:
        x, y = a(ctx), b(ctx)
        other = y if list_left else x
        return (whole if type(other) is list else point)(x, y)
    return comp.located(node, choose), T.BOOLEAN


def _static_binary_checks(comp: Any, node: ast.BinaryOp, at: Any, bt: Any) -> None:
    if node.op in ("Equal", "NotEqual", "Equivalent", "NotEquivalent") \
            and isinstance(at, T.TupleType) and isinstance(bt, T.TupleType):
        an, bn = [n for n, _ in at.elements], [n for n, _ in bt.elements]
        if set(an) != set(bn):
            raise comp.error(node, f"Could not resolve call to operator {node.op} with signature "
                                   f"({at}, {bt}): the tuples have different elements")


def _binary_type(op: str, at: Any, bt: Any) -> Optional[T.CqlType]:
    if op in _BOOL_RESULT:
        return T.BOOLEAN
    if op in ("Add", "Subtract", "Multiply", "Modulo", "TruncatedDivide", "Power"):
        return _arithmetic_type(op, at, bt)
    if op == "Divide":
        return T.QUANTITY if T.is_system(at, "Quantity") else T.DECIMAL
    if op == "Concatenate":
        return T.STRING
    if op in ("Union", "Intersect", "Except"):
        return at if at == bt else (at or bt)
    if op in ("DifferenceBetween", "DurationBetween"):
        return T.INTEGER
    return None


_NUMERIC_ORDER = ("Integer", "Long", "Decimal", "Quantity")


def _arithmetic_type(op: str, at: Any, bt: Any) -> Optional[T.CqlType]:
    """Result type of arithmetic: date/time +/- Quantity keeps the date/time type;
    numbers promote along Integer < Long < Decimal < Quantity; otherwise unknown."""
    if at is None or bt is None:
        return None
    if isinstance(at, T.NamedType) and at.namespace == "System" and at.name in ("Date", "DateTime", "Time") \
            and T.is_system(bt, "Quantity") and op in ("Add", "Subtract"):
        return at
    if at == bt:
        return at
    names = [t.name for t in (at, bt) if isinstance(t, T.NamedType) and t.namespace == "System"]
    if len(names) == 2 and all(n in _NUMERIC_ORDER for n in names):
        return T.system(max(names, key=_NUMERIC_ORDER.index))
    if op == "Add" and T.is_system(at, "String") and T.is_system(bt, "String"):
        return T.STRING
    return None


def _terminology_membership(comp: Any, node: Any, a: Callable, at: Any, b: Callable, bt: Any) -> Optional[tuple]:
    """``code in "Some ValueSet"`` / ``in "Some CodeSystem"``: the right operand is a
    ValueSet or CodeSystem reference, membership goes to the terminology provider."""
    if node.op != "In":
        return None
    vs = getattr(b, "constant", None)
    if not (T.is_system(bt, "ValueSet") or T.is_system(bt, "CodeSystem")
            or isinstance(vs, (ValueSetRef, CodeSystemRef))):
        return None
    method = "in_codesystem" if T.is_system(bt, "CodeSystem") or isinstance(vs, CodeSystemRef) else "in_valueset"
    a = system_arg(comp, a, at)

    def member(ctx: Any) -> Any:
        x = a(ctx)
        ref = b(ctx)
        if x is None or ref is None:
            return None if ref is None else False
        term = ctx.terminology
        if term is None:
            raise CqlRuntimeError("no terminology provider is configured for value set membership")
        if type(x) is list:
            return any(getattr(term, method)(c, ref) for c in x if c is not None)
        return getattr(term, method)(x, ref)
    return comp.located(node, member), T.BOOLEAN
