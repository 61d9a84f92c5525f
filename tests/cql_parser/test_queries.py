"""Retrieves and queries."""
from __future__ import annotations

import pytest

from fhirrules.cql import ast
from fhirrules.cql.grammar import parse_expression as parse

from .helpers import B, I, M, T, n, s


@pytest.mark.parametrize("text, expected", [
    ("[Encounter]", ast.Retrieve(T("Encounter"))),
    ("[FHIR.Encounter]", ast.Retrieve(T("Encounter", "FHIR"))),
    ('[Condition: "VS"]', ast.Retrieve(T("Condition"), terminology=I("VS"))),
    ('[Condition: Lib."VS"]', ast.Retrieve(T("Condition"), terminology=M(I("Lib"), "VS"))),
    ('[Condition: code in "VS"]',
     ast.Retrieve(T("Condition"), code_path="code", code_comparator="in", terminology=I("VS"))),
    ('[Observation: code ~ "C"]',
     ast.Retrieve(T("Observation"), code_path="code", code_comparator="~", terminology=I("C"))),
    ('[Observation: value.coding = "C"]',
     ast.Retrieve(T("Observation"), code_path="value.coding", code_comparator="=",
                  terminology=I("C"))),
    ('[Patient -> Condition: "VS"]',
     ast.Retrieve(T("Condition"), context_expr=I("Patient"), terminology=I("VS"))),
    ('[Lib.Ctx -> Condition]', ast.Retrieve(T("Condition"), context_expr=M(I("Lib"), "Ctx"))),
])
def test_retrieve(text: str, expected: ast.Retrieve) -> None:
    assert parse(text) == expected


def src(expr: ast.Expr, alias: str) -> ast.AliasedSource:
    return ast.AliasedSource(expr, alias)


def test_single_source_query_all_clauses() -> None:
    text = """[Encounter] E
        let d: E.period, k: 1
        with [Condition] C such that C.x = E.y
        without [Procedure] P such that P.z
        where E.status = 'finished'
        return all E.id
        sort by id desc, period ascending"""
    expected = ast.Query(
        sources=[src(ast.Retrieve(T("Encounter")), "E")],
        lets=[ast.LetClause("d", M(I("E"), "period")), ast.LetClause("k", n(1))],
        relationships=[
            ast.RelationshipClause("with", src(ast.Retrieve(T("Condition")), "C"),
                                   B("Equal", M(I("C"), "x"), M(I("E"), "y"))),
            ast.RelationshipClause("without", src(ast.Retrieve(T("Procedure")), "P"),
                                   M(I("P"), "z")),
        ],
        where=B("Equal", M(I("E"), "status"), s("finished")),
        return_expr=M(I("E"), "id"), return_distinct=False,
        sort=[ast.SortItem(I("id"), "desc"), ast.SortItem(I("period"), "asc")])
    assert parse(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("(4) l", ast.Query([src(n(4), "l")])),
    ("X l return distinct l", ast.Query([src(I("X"), "l")], return_expr=I("l"))),
    ("({1, 2}) l sort desc",
     ast.Query([src(ast.ListSelector([n(1), n(2)]), "l")], sort=[ast.SortItem(None, "desc")])),
    ("from A a, B b where a = b",
     ast.Query([src(I("A"), "a"), src(I("B"), "b")], where=B("Equal", I("a"), I("b")))),
    ("X x aggregate R starting 0: R + x",
     ast.Query([src(I("X"), "x")],
               aggregate=ast.AggregateClause("R", n(0), B("Add", I("R"), I("x"))))),
    ("X x aggregate distinct R: R",
     ast.Query([src(I("X"), "x")], aggregate=ast.AggregateClause("R", None, I("R"), True))),
    ("X x aggregate all R starting (1 + 1): R",
     ast.Query([src(I("X"), "x")],
               aggregate=ast.AggregateClause("R", B("Add", n(1), n(1)), I("R")))),
    ("Lib.Def D where D.a", ast.Query([src(M(I("Lib"), "Def"), "D")], where=M(I("D"), "a"))),
    ('"Verified"(obs) O', ast.Query([src(ast.FunctionCall("Verified", [I("obs")]), "O")])),
    # a query is an operand of the operators around it; its where clause is greedy
    ("exists ([A] a) and b",
     B("And", ast.UnaryOp("Exists", ast.Query([src(ast.Retrieve(T("A")), "a")])), I("b"))),
    ("X x where x.a union Y", ast.Query([src(I("X"), "x")],
                                        where=B("Union", M(I("x"), "a"), I("Y")))),
    # 'on or', 'less than', 'more than' are phrases, not aliases
    ("X on or after Y", B("SameOrAfter", I("X"), I("Y"))),
])
def test_query_forms(text: str, expected: ast.Expr) -> None:
    assert parse(text) == expected


def test_nested_query_in_such_that() -> None:
    node = parse("[A] a with [B] b such that exists (b.c) x where x = a return a")
    assert isinstance(node, ast.Query)
    cond = node.relationships[0].condition
    assert cond == ast.UnaryOp("Exists", ast.Query([src(M(I("b"), "c"), "x")],
                                                   where=B("Equal", I("x"), I("a")),
                                                   return_expr=I("a")))


@pytest.mark.parametrize("text, message", [
    ("1 + 2 a", "unexpected 'a'"),          # an operator expression is no query source
    ("{1, 2} x", "unexpected 'x'"),         # ...nor a bare selector: write ({1, 2}) x
    ("from 1 a, X b", "a query source must be a retrieve, a name, a function call"),
    ("[A] a with 5 b such that true", "a query source must be"),
])
def test_invalid_query_sources(text: str, message: str) -> None:
    from fhirrules.cql.errors import CqlSyntaxError
    with pytest.raises(CqlSyntaxError, match=message):
        parse(text)
