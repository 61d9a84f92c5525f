"""Library-level grammar: header, using, include, codesystem, valueset, code, concept,
parameter, context and define (expressions and functions)."""
from __future__ import annotations

from typing import Any

import pyparsing as pp

from . import ast
from .grammar_expressions import ExpressionGrammar
from .grammar_lexical import ANY_NAME, IDENTIFIER, REFERENTIAL, STRING, kw
from .grammar_support import Marker, at, comma_list, mark
from .grammar_terms import QUALIFIED_REF
from .grammar_types import TYPE_SPEC

LPAR, RPAR, LBRACE, RBRACE, COLON, DOT = map(pp.Suppress, "(){}:.")

# Words that start a definition or statement: never taken for a type name that ends a
# parameter or operand declaration.
_STATEMENT_WORDS = ("define", "context", "parameter", "codesystem", "valueset", "code",
                    "concept", "public", "private", "include", "using", "default")
_NOT_STATEMENT = ~pp.MatchFirst([kw(w) for w in _STATEMENT_WORDS])


def _fields(toks: pp.ParseResults) -> dict[str, Any]:
    return {t.name: t.value for t in toks if isinstance(t, Marker)}


def _m(name: str, expr: pp.ParserElement) -> pp.ParserElement:
    """``expr``'s first token wrapped as Marker(name)."""
    return expr.copy().add_parse_action(lambda t: [Marker(name, t[0])])


QUALIFIED_NAME = pp.DelimitedList(REFERENTIAL, ".", combine=False).set_parse_action(
    lambda t: [".".join(t)]).set_name("a library name")
VERSION = pp.Suppress(kw("version")) - _m("version", STRING)
ACCESS = pp.Opt((kw("public") | kw("private")).set_parse_action(lambda t: [Marker("access", t[0])]))
DISPLAY = pp.Suppress(kw("display")) - _m("display", STRING)


def build_library(grammar: ExpressionGrammar) -> pp.ParserElement:
    """The ``library`` element; its single token is an ``ast.Library``."""
    expression = grammar.expression

    library_def = (pp.Suppress(kw("library")) - _m("name", QUALIFIED_NAME) + pp.Opt(VERSION))
    library_def.set_parse_action(lambda t: [Marker("library", _fields(t))])

    using = (pp.Suppress(kw("using")) - _m("model", QUALIFIED_NAME) + pp.Opt(VERSION)
             + pp.Opt(pp.Suppress(kw("called")) - _m("alias", IDENTIFIER)))
    using.set_parse_action(lambda s, loc, t: [at(ast.UsingDef(**_fields(t)), s, loc)])

    def include_def(s: str, loc: int, toks: pp.ParseResults) -> list[ast.IncludeDef]:
        f = _fields(toks)
        alias = f.get("alias") or f["path"].split(".")[-1]
        return [at(ast.IncludeDef(f["path"], f.get("version"), alias), s, loc)]

    include = (pp.Suppress(kw("include")) - _m("path", QUALIFIED_NAME) + pp.Opt(VERSION)
               + pp.Opt(pp.Suppress(kw("called")) - _m("alias", IDENTIFIER)))
    include.set_parse_action(include_def)

    codesystem = (ACCESS + pp.Suppress(kw("codesystem")) - _m("name", IDENTIFIER) - COLON
                  - _m("id", STRING) + pp.Opt(VERSION))
    codesystem.set_parse_action(lambda s, loc, t: [at(ast.CodeSystemDef(**_fields(t)), s, loc)])

    codesystems = (pp.Suppress(kw("codesystems")) - LBRACE - comma_list(QUALIFIED_REF)
                   + RBRACE).set_parse_action(lambda t: [Marker("codesystems", list(t))])
    valueset = (ACCESS + pp.Suppress(kw("valueset")) - _m("name", IDENTIFIER) - COLON
                - _m("id", STRING) + pp.Opt(VERSION) + pp.Opt(codesystems))
    valueset.set_parse_action(lambda s, loc, t: [at(ast.ValueSetDef(**_fields(t)), s, loc)])

    code = (ACCESS + pp.Suppress(kw("code")) - _m("name", IDENTIFIER) - COLON - _m("code", STRING)
            - pp.Suppress(kw("from")) - _m("system", QUALIFIED_REF) + pp.Opt(DISPLAY))
    code.set_parse_action(lambda s, loc, t: [at(ast.CodeDef(**_fields(t)), s, loc)])

    concept_codes = (LBRACE - comma_list(QUALIFIED_REF) + RBRACE).set_parse_action(
        lambda t: [Marker("codes", list(t))])
    concept = (ACCESS + pp.Suppress(kw("concept")) - _m("name", IDENTIFIER) - COLON
               - concept_codes + pp.Opt(DISPLAY))
    concept.set_parse_action(lambda s, loc, t: [at(ast.ConceptDef(**_fields(t)), s, loc)])

    parameter = (ACCESS + pp.Suppress(kw("parameter")) - _m("name", IDENTIFIER)
                 + pp.Opt(_NOT_STATEMENT + _m("type", TYPE_SPEC))
                 + pp.Opt(pp.Suppress(kw("default")) - _m("default", expression)))
    parameter.set_parse_action(lambda s, loc, t: [at(ast.ParameterDef(**_fields(t)), s, loc)])

    definition = (using | include | codesystem | valueset | code | concept | parameter)

    def context_def(s: str, loc: int, toks: pp.ParseResults) -> list[ast.ContextDef]:
        names = list(toks)
        return [at(ast.ContextDef(names[-1], names[0] if len(names) == 2 else None), s, loc)]

    context = (pp.Suppress(kw("context")) - pp.Opt(REFERENTIAL + DOT) + REFERENTIAL)
    context.set_parse_action(context_def)

    operand = (REFERENTIAL + TYPE_SPEC).set_parse_action(
        lambda s, loc, t: [at(ast.OperandDef(t[0], t[1]), s, loc)])
    function = (pp.Opt(kw("fluent").set_parse_action(mark("fluent", True)))
                + pp.Suppress(kw("function")) - _m("name", ANY_NAME)
                - LPAR + pp.Opt(comma_list(operand)) + RPAR
                + pp.Opt(pp.Suppress(kw("returns")) - _m("return_type", TYPE_SPEC)) - COLON
                - (kw("external").set_parse_action(mark("external", True))
                   | _m("body", expression)))

    def function_def(s: str, loc: int, toks: pp.ParseResults) -> list[ast.FunctionDef]:
        f = _fields(toks)
        operands = [t for t in toks if isinstance(t, ast.OperandDef)]
        return [at(ast.FunctionDef(f["name"], operands, f.get("body"), f.get("return_type"),
                                   fluent=f.get("fluent", False), external=f.get("external", False),
                                   access=f.get("access", "public")), s, loc)]

    expression_def = _m("name", IDENTIFIER) - COLON - _m("expr", expression)

    def define(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Node]:
        if any(isinstance(t, ast.OperandDef) for t in toks) or "body" in _fields(toks) \
                or "external" in _fields(toks):
            return function_def(s, loc, toks)
        f = _fields(toks)
        return [at(ast.ExpressionDef(f["name"], f["expr"], access=f.get("access", "public")), s, loc)]

    # 'define' then: an access modifier, then a function or an expression definition.
    define_stmt = (pp.Suppress(kw("define")) - ACCESS + (function | expression_def))
    define_stmt.set_parse_action(define)

    statement = (define_stmt | context).set_name("a definition ('define' or 'context')")

    def library(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Library]:
        return [assemble(s, list(toks))]

    return (pp.Opt(library_def) + pp.ZeroOrMore(definition) + pp.ZeroOrMore(statement)
            + pp.StringEnd().set_name("a definition or the end of the library")
            ).set_parse_action(library)


def assemble(s: str, toks: list[Any]) -> ast.Library:
    """Sort the parsed definitions into an ``ast.Library``; give every statement the
    context in force where it appears."""
    lib = ast.Library(pos=(1, 1))
    buckets: dict[type, list] = {
        ast.UsingDef: lib.usings, ast.IncludeDef: lib.includes,
        ast.CodeSystemDef: lib.codesystems, ast.ValueSetDef: lib.valuesets,
        ast.CodeDef: lib.codes, ast.ConceptDef: lib.concepts,
        ast.ParameterDef: lib.parameters, ast.ContextDef: lib.contexts,
    }
    context = None
    for t in toks:
        if isinstance(t, Marker) and t.name == "library":
            lib.name, lib.version = t.value["name"], t.value.get("version")
        elif isinstance(t, ast.ContextDef):
            context = t.name
            lib.contexts.append(t)
        elif isinstance(t, (ast.ExpressionDef, ast.FunctionDef)):
            t.context = context
            lib.statements.append(t)
        elif type(t) in buckets:
            buckets[type(t)].append(t)
    return lib
