"""Operator precedence and associativity, as fixed by the order of the alternatives of
'expression' and 'expressionTerm' in cql.g4."""
from __future__ import annotations

import pytest

from fhirrules.cql import ast
from fhirrules.cql.grammar import parse_expression as parse

from .helpers import B, I, T, U, n


@pytest.mark.parametrize("text, expected", [
    # arithmetic: ^ over * / div mod over + - &, all left-associative
    ("1 + 2 * 3", B("Add", n(1), B("Multiply", n(2), n(3)))),
    ("1 - 2 - 3", B("Subtract", B("Subtract", n(1), n(2)), n(3))),
    ("2 ^ 3 * 4", B("Multiply", B("Power", n(2), n(3)), n(4))),
    ("8 div 3 mod 2", B("Modulo", B("TruncatedDivide", n(8), n(3)), n(2))),
    ("a & b + c", B("Add", B("Concatenate", I("a"), I("b")), I("c"))),
    ("(1 + 2) * 3", B("Multiply", B("Add", n(1), n(2)), n(3))),
    ("6 / 2 / 3", B("Divide", B("Divide", n(6), n(2)), n(3))),
    # polarity binds tighter than ^ ; a prefix operator takes only a term
    ("-x ^ 2", B("Power", U("Negate", I("x")), n(2))),
    ("start of X + 1", B("Add", U("Start", I("X")), n(1))),
    ("start of X.y", U("Start", ast.Member(I("X"), "y"))),
    # comparison over timing over equality over membership over and/or/implies/union
    ("a < b = c", B("Equal", B("Less", I("a"), I("b")), I("c"))),
    ("a = b and c != d", B("And", B("Equal", I("a"), I("b")), B("NotEqual", I("c"), I("d")))),
    ("a or b and c", B("Or", I("a"), B("And", I("b"), I("c")))),
    ("a xor b implies c", B("Implies", B("Xor", I("a"), I("b")), I("c"))),
    ("a implies b union c", B("Union", B("Implies", I("a"), I("b")), I("c"))),
    ("a | b intersect c except d",
     B("Except", B("Intersect", B("Union", I("a"), I("b")), I("c")), I("d"))),
    ("a in b = c", B("In", I("a"), B("Equal", I("b"), I("c")))),
    ("a ~ b !~ c", B("NotEquivalent", B("Equivalent", I("a"), I("b")), I("c"))),
    ("a before b = c", B("Equal", B("Before", I("a"), I("b")), I("c"))),
    ("a < b before c", B("Before", B("Less", I("a"), I("b")), I("c"))),
    ("a <= b + 1", B("LessOrEqual", I("a"), B("Add", I("b"), n(1)))),
    ("a >= b", B("GreaterOrEqual", I("a"), I("b"))),
    ("a > b", B("Greater", I("a"), I("b"))),
    # prefix 'not'/'exists' bind at their level: above comparison, below is/as
    ("not a = b", B("Equal", U("Not", I("a")), I("b"))),
    ("not a is null", U("Not", U("IsNull", I("a")))),
    ("exists a and b", B("And", U("Exists", I("a")), I("b"))),
    ("not exists a", U("Not", U("Exists", I("a")))),
    ("a = not b", B("Equal", I("a"), U("Not", I("b")))),
    # is / as suffixes, cast
    ("a is not null", U("Not", U("IsNull", I("a")))),
    ("a is true or b is false", B("Or", U("IsTrue", I("a")), U("IsFalse", I("b")))),
    ("a + 1 as Integer > 2", B("Greater", ast.AsType(B("Add", I("a"), n(1)), T("Integer")), n(2))),
    ("cast a as FHIR.Quantity", ast.AsType(I("a"), T("Quantity", "FHIR"), strict=True)),
    ("a is List<Integer>", ast.IsType(I("a"), ast.ListTypeSpec(T("Integer")))),
    # between takes expression terms
    ("x between 1 and 10 and y", B("And", ast.Between(I("x"), n(1), n(10)), I("y"))),
    ("x properly between a + 1 and b", ast.Between(I("x"), B("Add", I("a"), n(1)), I("b"), True)),
    # if / case / distinct take whole expressions (greedy to the right)
    ("if a then b else c + 1", ast.If(I("a"), I("b"), B("Add", I("c"), n(1)))),
    ("1 + if a then 2 else 3 = 4", B("Add", n(1), ast.If(I("a"), n(2), B("Equal", n(3), n(4))))),
    ("distinct a union b", U("Distinct", B("Union", I("a"), I("b")))),
])
def test_precedence(text: str, expected: ast.Expr) -> None:
    assert parse(text) == expected


def test_binary_position_is_left_operand_start() -> None:
    node = parse("  a +\n b")
    assert node.pos == (1, 3)
    assert node.right.pos == (2, 2)


def test_deep_nesting_does_not_overflow() -> None:
    depth = 200
    node = parse("(" * depth + "1" + ")" * depth + " + 1")
    assert node == B("Add", n(1), n(1))
