"""Type specifiers: ``Integer``, ``FHIR.Observation``, ``List<T>``, ``Interval<T>``,
``Tuple { a T, ... }`` and ``Choice<A, B>``."""
from __future__ import annotations

import pyparsing as pp

from . import ast
from .grammar_lexical import MEMBER_NAME, REFERENTIAL, TYPE_NAME, kw
from .grammar_support import at, comma_list

LT, GT, LBRACE, RBRACE, COMMA, DOT = map(pp.Suppress, "<>{},.")


def _named(s: str, loc: int, toks: pp.ParseResults) -> list[ast.NamedTypeSpec]:
    parts = list(toks)
    namespace = ".".join(parts[:-1]) or None
    return [at(ast.NamedTypeSpec(parts[-1], namespace), s, loc)]


# (qualifier '.')* referentialOrTypeNameIdentifier.  The qualifiers are tried only when
# followed by a dot so that 'FHIR.Observation' and 'Integer' both parse without
# backtracking over the last name.
NAMED_TYPE = (pp.ZeroOrMore(REFERENTIAL + DOT) + TYPE_NAME).set_parse_action(_named)
NAMED_TYPE.set_name("a type name")

TYPE_SPEC = pp.Forward().set_name("a type")

LIST_TYPE = (kw("List") + LT - TYPE_SPEC + GT).set_parse_action(
    lambda s, loc, t: [at(ast.ListTypeSpec(t[1]), s, loc)])
INTERVAL_TYPE = (kw("Interval") + LT - TYPE_SPEC + GT).set_parse_action(
    lambda s, loc, t: [at(ast.IntervalTypeSpec(t[1]), s, loc)])

_TUPLE_ELEMENT = pp.Group(MEMBER_NAME + TYPE_SPEC)
TUPLE_TYPE = (kw("Tuple") + LBRACE - pp.Opt(comma_list(_TUPLE_ELEMENT)) + RBRACE)
TUPLE_TYPE.set_parse_action(
    lambda s, loc, t: [at(ast.TupleTypeSpec([(g[0], g[1]) for g in t[1:]]), s, loc)])

CHOICE_TYPE = (kw("Choice") + LT - comma_list(TYPE_SPEC) + GT).set_parse_action(
    lambda s, loc, t: [at(ast.ChoiceTypeSpec(list(t[1:])), s, loc)])

TYPE_SPEC <<= (LIST_TYPE | INTERVAL_TYPE | TUPLE_TYPE | CHOICE_TYPE | NAMED_TYPE).set_name("a type")
