"""Short constructors for expected ASTs (positions are not compared)."""
from __future__ import annotations

from fhirrules.cql import ast


def I(name: str) -> ast.Identifier:  # noqa: E743 - reads like the CQL it stands for
    return ast.Identifier(name)


def n(value: int | str) -> ast.Literal:
    return ast.Literal("Integer", str(value))


def s(value: str) -> ast.Literal:
    return ast.Literal("String", value)


def q(number: str, unit: str) -> ast.Literal:
    return ast.Literal("Quantity", (number, unit))


def B(op: str, left: ast.Expr, right: ast.Expr, precision: str | None = None) -> ast.BinaryOp:
    return ast.BinaryOp(op, left, right, precision)


def U(op: str, operand: ast.Expr, precision: str | None = None) -> ast.UnaryOp:
    return ast.UnaryOp(op, operand, precision)


def M(source: ast.Expr, name: str) -> ast.Member:
    return ast.Member(source, name)


def T(name: str, namespace: str | None = None) -> ast.NamedTypeSpec:
    return ast.NamedTypeSpec(name, namespace)
