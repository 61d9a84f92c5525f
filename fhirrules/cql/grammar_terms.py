"""Terms of CQL (cql.g4 ``term``): literals, selectors (Interval, List, Tuple, Instance,
Code, Concept), retrieves, invocations and parenthesized expressions.

``build_terms(expression)`` returns the term element; it needs the (forward-declared)
expression because selectors contain expressions."""
from __future__ import annotations

import re

import pyparsing as pp

from . import ast
from .grammar_lexical import ANY_NAME, MEMBER_NAME, REFERENTIAL, STRING, kw, unescape
from .grammar_climb import Dispatch, Guard
from .grammar_literals import BOOLEAN, NULL, NUMERIC, STRING_LITERAL, TEMPORAL
from .grammar_support import at, comma_list, mark_parenthesized
from .grammar_types import NAMED_TYPE, TYPE_SPEC

LPAR, RPAR, LBRACK, RBRACK, LBRACE, RBRACE, COMMA, COLON, DOT, LT, GT = map(
    pp.Suppress, "()[]{},:.<>")


def _codesystem_ref(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Expr]:
    """(libraryIdentifier '.')? identifier  ->  Identifier or Member."""
    node: ast.Expr = at(ast.Identifier(toks[0]), s, loc)
    if len(toks) == 2:
        node = at(ast.Member(node, toks[1]), s, loc)
    return [node]


# codesystemIdentifier / codeIdentifier: an optional library qualifier then a name.
QUALIFIED_REF = (REFERENTIAL + pp.Opt(DOT + REFERENTIAL)).set_parse_action(_codesystem_ref)
QUALIFIED_REF.set_name("an identifier")
DISPLAY = pp.Suppress(kw("display")) - STRING


def _code_selector(s: str, loc: int, toks: pp.ParseResults) -> list[ast.CodeSelector]:
    display = toks[2] if len(toks) > 2 else None
    return [at(ast.CodeSelector(toks[0], toks[1], display), s, loc)]


CODE_SELECTOR = (pp.Suppress(kw("Code")) + STRING - pp.Suppress(kw("from")) - QUALIFIED_REF
                 + pp.Opt(DISPLAY)).set_parse_action(_code_selector)


def _concept_selector(s: str, loc: int, toks: pp.ParseResults) -> list[ast.ConceptSelector]:
    codes = [t for t in toks if isinstance(t, ast.CodeSelector)]
    display = toks[-1] if isinstance(toks[-1], str) else None
    return [at(ast.ConceptSelector(codes, display), s, loc)]


# 'Concept {' followed by a Code selector; otherwise 'Concept { ... }' is an instance.
CONCEPT_SELECTOR = (pp.Suppress(kw("Concept")) + LBRACE + pp.FollowedBy(kw("Code") + STRING)
                    - comma_list(CODE_SELECTOR) + RBRACE
                    + pp.Opt(DISPLAY)).set_parse_action(_concept_selector)


def _elements(toks: list) -> list[tuple[str, ast.Expr]]:
    return [(g[0], g[1]) for g in toks]


def build_terms(expression: pp.Forward) -> pp.ParserElement:
    """The ``term`` element over ``expression``."""
    element = pp.Group(MEMBER_NAME + COLON - expression)
    elements = (COLON.copy().set_parse_action(lambda: []) | comma_list(element))

    def interval(s: str, loc: int, toks: pp.ParseResults) -> list[ast.IntervalSelector]:
        return [at(ast.IntervalSelector(toks[1], toks[2], toks[0] == "[", toks[3] == "]"), s, loc)]

    interval_selector = (pp.Suppress(kw("Interval")) + pp.one_of("[ (") - expression + COMMA
                         - expression + pp.one_of("] )")).set_parse_action(interval)
    interval_selector.set_name("an interval selector")

    def list_sel(s: str, loc: int, toks: pp.ParseResults) -> list[ast.ListSelector]:
        items = list(toks)
        element_type = None
        if items and isinstance(items[0], pp.ParseResults):
            element_type = items.pop(0)[0]
        return [at(ast.ListSelector(items, element_type), s, loc)]

    list_body = LBRACE + pp.Opt(comma_list(expression)) + RBRACE
    typed_list = (pp.Suppress(kw("List")) - pp.Opt(pp.Group(LT - TYPE_SPEC + GT)) + list_body)
    list_selector = (typed_list | list_body).set_parse_action(list_sel)

    def tuple_sel(s: str, loc: int, toks: pp.ParseResults) -> list[ast.TupleSelector]:
        return [at(ast.TupleSelector(_elements(toks)), s, loc)]

    tuple_body = LBRACE + elements + RBRACE
    # '{' name ':' (or '{:}') starts a tuple; any other '{' a list.
    tuple_start = pp.FollowedBy(LBRACE + (COLON | MEMBER_NAME + COLON))
    tuple_selector = ((pp.Suppress(kw("Tuple")) - tuple_body)
                      | (tuple_start + tuple_body)).set_parse_action(tuple_sel)

    def instance(s: str, loc: int, toks: pp.ParseResults) -> list[ast.InstanceSelector]:
        return [at(ast.InstanceSelector(toks[0], _elements(toks[1:])), s, loc)]

    instance_selector = (NAMED_TYPE + LBRACE + pp.FollowedBy(COLON | MEMBER_NAME + COLON)
                         - elements + RBRACE).set_parse_action(instance)

    def invocation(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Expr]:
        if len(toks) == 1:
            return [at(ast.Identifier(toks[0]), s, loc)]
        return [at(ast.FunctionCall(toks[0], list(toks[1])), s, loc)]

    # Once '(' follows a name it is a call: report a bad argument list where it is bad.
    args = pp.Group(LPAR - pp.Opt(comma_list(expression)) - RPAR)
    # $this/$index/$total and external constants (%name, %'name'), kept with their sigil
    special = pp.Regex(r"\$(this|index|total)\b|%[A-Za-z_][A-Za-z0-9_]*|%'(?:[^'\\]|\\.)*'")
    invocation_term = (REFERENTIAL + pp.Opt(Guard(r"\s*\(", args))).set_parse_action(invocation)
    special_term = special.copy().set_parse_action(
        lambda s, loc, t: [at(ast.Identifier("%" + unescape(t[0][2:-1], s, loc)
                                             if t[0][:2] == "%'" else t[0]), s, loc)])

    paren = (LPAR + expression + RPAR).set_name("a parenthesized expression")
    paren.set_parse_action(lambda t: [mark_parenthesized(t[0])])

    from .grammar_queries import build_retrieve
    retrieve = build_retrieve(expression)

    # Only a (qualified) name directly followed by '{' can start an instance selector.
    instance_ahead = re.compile(
        r'(?=(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`)'
        r'(?:\s*\.\s*(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`))*\s*\{)')
    instance = Guard(instance_ahead.pattern, instance_selector)
    names = [instance, invocation_term]
    table: dict[str, list[pp.ParserElement]] = {
        **{d: [NUMERIC] for d in "0123456789"},
        "'": [STRING_LITERAL], "@": [TEMPORAL], "[": [retrieve], "(": [paren],
        "{": [tuple_selector, list_selector], '"': names, "`": names,
        "$": [special_term], "%": [special_term],
        "true": [BOOLEAN], "false": [BOOLEAN], "null": [NULL],
        "Interval": [interval_selector, *names], "List": [list_selector, *names],
        "Tuple": [tuple_selector, *names],
        "Code": [CODE_SELECTOR, *names], "Concept": [CONCEPT_SELECTOR, *names],
    }
    return Dispatch(table, names, "an expression")


def build_postfix(term: pp.ParserElement, expression: pp.Forward) -> pp.ParserElement:
    """term followed by member accesses, fluent calls and indexers."""
    call_args = pp.Group(LPAR - pp.Opt(comma_list(expression)) - RPAR)
    # After '.' no keyword is ambiguous, so any word names the member: FHIR elements
    # such as 'duration' or 'when' need no quotes.
    member = pp.Group(DOT - (ANY_NAME + pp.Opt(Guard(r"\s*\(", call_args))))
    index = (LBRACK - expression - RBRACK).set_parse_action(lambda t: [_Index(t[0])])

    def chain(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Expr]:
        node = toks[0]
        for post in toks[1:]:
            if isinstance(post, _Index):
                node = ast.Indexer(node, post.expr)
            elif len(post) == 2:
                node = ast.FunctionCall(post[0], list(post[1]), source=node, fluent=True)
            else:
                node = ast.Member(node, post[0])
            node.pos = position_of(toks[0])
        return [node]

    return (term + pp.Opt(Guard(r"\s*[.\[]", pp.OneOrMore(member | index)))).set_parse_action(chain)


class _Index:
    """An indexer suffix waiting for its source."""
    __slots__ = ("expr",)

    def __init__(self, expr: ast.Expr) -> None:
        self.expr = expr


def position_of(node: object) -> ast.Pos:
    return getattr(node, "pos", (0, 0))
