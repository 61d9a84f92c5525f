"""Retrieves and queries: ``[Condition: code in "VS"]``, ``Source alias let ... with ...
such that ... where ... return ... sort by ...``, ``from A a, B b ...`` and the
``aggregate`` clause."""
from __future__ import annotations

from typing import Any

import pyparsing as pp

from . import ast
from .grammar_lexical import ALIAS, IDENTIFIER, REFERENTIAL, kw, kws
from .grammar_literals import QUANTITY_OR_NUMBER, STRING_LITERAL
from .grammar_support import Marker, at, comma_list, is_parenthesized, mark
from .grammar_types import NAMED_TYPE

LPAR, RPAR, LBRACK, RBRACK, COMMA, COLON, DOT = map(pp.Suppress, "()[],:.")


# -------------------------------------------------------------------- retrieve
def _qualified_expr(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Expr]:
    node: ast.Expr = at(ast.Identifier(toks[0]), s, loc)
    for name in toks[1:]:
        node = at(ast.Member(node, name), s, loc)
    return [node]


QUALIFIED_EXPR = (REFERENTIAL + pp.ZeroOrMore(DOT + REFERENTIAL)).set_parse_action(_qualified_expr)

_SIMPLE_LITERAL = (pp.Regex(r"[0-9]+(?:\.[0-9]+)?") | pp.Regex(r"'(?:[^'\\]|\\.)*'"))
# simplePath, kept as its source text ('code', 'value.coding[0]')
CODE_PATH = pp.Combine(
    REFERENTIAL + pp.ZeroOrMore(pp.Literal(".") + REFERENTIAL
                                | pp.Literal("[") + _SIMPLE_LITERAL + pp.Literal("]")),
    adjacent=False, join_string="")
CODE_COMPARATOR = kw("in") | pp.Literal("=") | pp.Literal("~")


def build_retrieve(expression: pp.Forward) -> pp.ParserElement:
    """'[' (context '->')? Type (':' (codePath comparator)? terminology)? ']'"""
    context = pp.Opt((QUALIFIED_EXPR + pp.Suppress("->")).set_parse_action(
        lambda t: [Marker("context", t[0])]))
    code_filter = pp.Opt((CODE_PATH + CODE_COMPARATOR).set_parse_action(
        lambda t: [Marker("path", (t[0], t[1]))]))
    terminology = (COLON - code_filter + expression.copy().add_parse_action(
        lambda t: [Marker("terminology", t[0])]))

    def retrieve(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Retrieve]:
        fields = {t.name: t.value for t in toks if isinstance(t, Marker)}
        data_type = next(t for t in toks if isinstance(t, ast.NamedTypeSpec))
        path, comparator = fields.get("path", (None, None))
        return [at(ast.Retrieve(data_type, fields.get("context"), path, comparator,
                                fields.get("terminology")), s, loc)]

    return (LBRACK + context + NAMED_TYPE + pp.Opt(terminology) + RBRACK).set_parse_action(
        retrieve).set_name("a retrieve")


# -------------------------------------------------------------------- query clauses
class QueryParts:
    """The query elements built over the expression grammar."""

    def __init__(self, expression: pp.Forward, expression_term: pp.ParserElement) -> None:
        # 'on or', 'less than', 'more than' are keyword phrases although their first
        # words alone are not keywords: 'X on or after Y' has no alias 'on'.
        alias = ALIAS
        self.alias = alias
        def aliased(s: str, loc: int, toks: pp.ParseResults) -> list[ast.AliasedSource]:
            if not query_source(toks[0]):
                raise pp.ParseFatalException(
                    s, loc, "a query source must be a retrieve, a name, a function call or a "
                            "parenthesized expression")
            return [at(ast.AliasedSource(toks[0], toks[1]), s, loc)]

        self.aliased_source = (expression_term + alias).set_parse_action(aliased)

        let_item = (IDENTIFIER + COLON - expression).set_parse_action(
            lambda s, loc, t: [at(ast.LetClause(t[0], t[1]), s, loc)])
        let_clause = pp.Suppress(kw("let")) - comma_list(let_item)

        def relationship(kind: str) -> pp.ParserElement:
            return (pp.Suppress(kw(kind)) - self.aliased_source - pp.Suppress(kws("such", "that"))
                    - expression).set_parse_action(
                lambda s, loc, t: [at(ast.RelationshipClause(kind, t[0], t[1]), s, loc)])

        where = (pp.Suppress(kw("where")) - expression).set_parse_action(
            lambda t: [Marker("where", t[0])])
        modifier = pp.Opt(kw("all").set_parse_action(mark("all", True))
                          | kw("distinct").set_parse_action(mark("distinct", True)))
        return_clause = (pp.Suppress(kw("return")) - modifier + expression).set_parse_action(
            lambda t: [Marker("return", (t[-1], "all" not in {m.name for m in t[:-1]}))])

        starting = pp.Suppress(kw("starting")) - (
            QUANTITY_OR_NUMBER | STRING_LITERAL | (LPAR + expression + RPAR))

        def aggregate(s: str, loc: int, toks: pp.ParseResults) -> list[Marker]:
            items = list(toks)
            distinct = bool(items and isinstance(items[0], Marker) and items[0].name == "distinct")
            items = [t for t in items if not isinstance(t, Marker)]
            name, rest = items[0], items[1:]
            start = rest[0] if len(rest) == 2 else None
            clause = at(ast.AggregateClause(name, start, rest[-1], distinct), s, loc)
            return [Marker("aggregate", clause)]

        aggregate_clause = (pp.Suppress(kw("aggregate")) - modifier + IDENTIFIER
                            + pp.Opt(starting) + COLON - expression).set_parse_action(aggregate)

        direction = (kw("asc") | kw("ascending")).set_parse_action(lambda: ["asc"]) | (
            kw("desc") | kw("descending")).set_parse_action(lambda: ["desc"])

        def sort_item(s: str, loc: int, toks: pp.ParseResults) -> list[ast.SortItem]:
            return [at(ast.SortItem(toks[0], toks[1] if len(toks) > 1 else "asc"), s, loc)]

        sort_by_item = (expression_term + pp.Opt(direction)).set_parse_action(sort_item)
        sort_clause = pp.Suppress(kw("sort")) - (
            direction.copy().add_parse_action(lambda s, loc, t: [at(ast.SortItem(None, t[0]), s, loc)])
            | pp.Suppress(kw("by")) - comma_list(sort_by_item))
        sort_clause.set_parse_action(lambda t: [Marker("sort", list(t))])

        self.clauses = (pp.Opt(let_clause) + pp.ZeroOrMore(relationship("with") | relationship("without"))
                        + pp.Opt(where) + pp.Opt(aggregate_clause | return_clause)
                        + pp.Opt(sort_clause))

        def multi(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Query]:
            return [build_query(list(toks), s, loc)]

        self.multi_source = (pp.Suppress(kw("from")) - comma_list(self.aliased_source)
                             + self.clauses).set_parse_action(multi)


def query_source(node: Any) -> bool:
    """May ``node`` start a query?  cql.g4 querySource is a retrieve, a qualified name or a
    parenthesized expression; we also accept invocations and member/index chains on
    them (``"Verified"(obs) O``, ``Lib.Fn(x).y O``), which libraries use and which are
    never ambiguous.  Literals, selectors and operator expressions are refused, so
    ``1 Context`` reports 'Context' instead of making it an alias."""
    while True:
        if isinstance(node, ast.Retrieve) or is_parenthesized(node):
            return True
        if isinstance(node, ast.Identifier):
            return True
        if isinstance(node, ast.FunctionCall):
            if node.source is None:
                return True
            node = node.source
        elif isinstance(node, (ast.Member, ast.Indexer)):
            node = node.source
        else:
            return False


def build_query(tokens: list[Any], s: str, loc: int) -> ast.Query:
    """Assemble a Query from its sources and clause tokens."""
    query = ast.Query(sources=[t for t in tokens if isinstance(t, ast.AliasedSource)])
    query.lets = [t for t in tokens if isinstance(t, ast.LetClause)]
    query.relationships = [t for t in tokens if isinstance(t, ast.RelationshipClause)]
    for t in tokens:
        if not isinstance(t, Marker):
            continue
        if t.name == "where":
            query.where = t.value
        elif t.name == "return":
            query.return_expr, query.return_distinct = t.value
        elif t.name == "aggregate":
            query.aggregate = t.value
        elif t.name == "sort":
            query.sort = t.value
    return at(query, s, loc)
