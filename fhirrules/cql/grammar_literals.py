"""Literal tokens of CQL: null, booleans, strings, numbers (Integer, Long, Decimal),
Date / DateTime / Time, Quantity and Ratio.  Each becomes an ``ast.Literal`` whose
``value`` is the source text form described in ``ast.Literal``."""
from __future__ import annotations

import pyparsing as pp

from . import ast
from .grammar_lexical import (DATE_TIME_RE, PLURAL_PRECISIONS, PRECISIONS, STRING,
                              TIME_RE, kw, one_of_words)
from .grammar_support import at

INT_MAX = 2**31 - 1
LONG_MAX = 2**63 - 1


def _negated(s: str, loc: int) -> bool:
    """True when the literal at ``loc`` directly follows a '-' sign: the minimum
    Integer/Long can only be written negated (``-2147483648``)."""
    i = loc - 1
    while i >= 0 and s[i] in " \t\r\n":
        i -= 1
    return i >= 0 and s[i] == "-"


def _check_range(s: str, loc: int, digits: str, limit: int, kind: str) -> None:
    value = int(digits)
    if value > limit and not (value == limit + 1 and _negated(s, loc)):
        raise pp.ParseFatalException(
            s, loc, f"{kind} literal {digits} is out of range (the largest {kind} is {limit})")


def _number_literal(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Literal]:
    text = toks[0]
    if "." in text:
        return [at(ast.Literal("Decimal", text), s, loc)]
    _check_range(s, loc, text, INT_MAX, "Integer")
    return [at(ast.Literal("Integer", text), s, loc)]


def _long_literal(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Literal]:
    digits = toks[0][:-1]
    _check_range(s, loc, digits, LONG_MAX, "Long")
    return [at(ast.Literal("Long", digits), s, loc)]


NUMBER_TEXT = pp.Regex(r"[0-9]+(?:\.[0-9]+)?").set_name("a number")
LONG = pp.Regex(r"[0-9]+L(?![A-Za-z0-9_])").set_name("a Long number")
LONG.set_parse_action(_long_literal)

# Calendar units are kept as written ('day' or 'days'); UCUM units lose their quotes.
UNIT = (STRING | one_of_words([*PLURAL_PRECISIONS, *PRECISIONS], "a unit")).set_name("a unit")


def _quantity_or_number(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Literal]:
    number = toks[0]
    if len(toks) == 1:
        return _number_literal(s, loc, toks)
    return [at(ast.Literal("Quantity", (number, toks[1])), s, loc)]


# A number with an optional unit: Integer, Decimal or Quantity.
QUANTITY_OR_NUMBER = (NUMBER_TEXT + pp.Opt(UNIT)).set_parse_action(_quantity_or_number)
QUANTITY_OR_NUMBER.set_name("a number or quantity")
# A quantity that must carry a unit (timing offsets: '3 days').
QUANTITY = (NUMBER_TEXT + UNIT).set_parse_action(_quantity_or_number).set_name("a quantity")


def _ratio_part(lit: ast.Literal) -> tuple[str, str]:
    if lit.type == "Quantity":
        return lit.value
    return (lit.value, "1")


def _ratio_or_quantity(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Literal]:
    if len(toks) == 1:
        return [toks[0]]
    value = (_ratio_part(toks[0]), _ratio_part(toks[1]))
    return [at(ast.Literal("Ratio", value), s, loc)]


NUMERIC = (LONG | (QUANTITY_OR_NUMBER + pp.Opt(pp.Suppress(":") + QUANTITY_OR_NUMBER))
           .set_parse_action(_ratio_or_quantity)).set_name("a number")

STRING_LITERAL = STRING.copy().add_parse_action(
    lambda s, loc, t: [at(ast.Literal("String", t[0]), s, loc)])


def _temporal(kind: str):
    def parse_action(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Literal]:
        text = toks[0][1:]
        if kind == "DateTime" and "T" not in text:
            return [at(ast.Literal("Date", text), s, loc)]
        return [at(ast.Literal(kind, text), s, loc)]
    return parse_action


# '@T...' must be tried before '@YYYY...'.  The atomic group and trailing look-ahead
# make '@2014-01-01X' a syntax error instead of '@2014-01' minus 01 aliased X.
TIME_LITERAL = pp.Regex("(?>" + TIME_RE + r")(?![0-9A-Za-z_:])").set_parse_action(_temporal("Time"))
DATE_TIME_LITERAL = pp.Regex("(?>" + DATE_TIME_RE + r")(?![0-9A-Za-z_:])").set_parse_action(
    _temporal("DateTime"))


def _time_offset(s: str, loc: int, toks: pp.ParseResults) -> None:
    raise pp.ParseFatalException(
        s, loc, f"a Time literal cannot carry a time-zone offset: '{toks[0]}'")


# '@T06Z' is not CQL 1.5 (only DateTime literals have offsets): say so plainly.
TIME_WITH_OFFSET = pp.Regex("(?>" + TIME_RE + r")(?:Z|[+-][0-9]{2}:[0-9]{2})").set_parse_action(
    _time_offset)
TEMPORAL = (TIME_WITH_OFFSET | TIME_LITERAL | DATE_TIME_LITERAL).set_name("a date/time literal")

BOOLEAN = (kw("true").set_parse_action(lambda s, loc, t: [at(ast.Literal("Boolean", True), s, loc)])
           | kw("false").set_parse_action(
               lambda s, loc, t: [at(ast.Literal("Boolean", False), s, loc)]))
NULL = kw("null").set_parse_action(lambda s, loc, t: [at(ast.Literal("Null", None), s, loc)])

LITERAL = (NUMERIC | STRING_LITERAL | TEMPORAL | BOOLEAN | NULL).set_name("a literal")
