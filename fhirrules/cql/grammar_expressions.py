"""The CQL expression grammar: ``expressionTerm`` (arithmetic and keyword prefix
operators) and ``expression`` (type tests, between, comparison, timing phrases,
equality, membership, logic, set operators) with the precedence of cql.g4 (in ANTLR,
earlier alternatives of a left-recursive rule bind tighter).

Binary and postfix operators are bound by precedence climbing (``grammar_climb``), not
by one pyparsing level per precedence: see that module for why.  Prefix operators whose
operand binds at a given level (``not``, ``exists``, ``-``, ``start of`` ...) are
primaries whose operand is parsed at that level, as ANTLR does for prefix alternatives.
"""
from __future__ import annotations

from typing import Any, Optional

import pyparsing as pp

from . import ast
from .grammar_climb import Continue, Dispatch, OpTable
from .grammar_lexical import (PLURAL_PRECISION, PLURAL_PRECISIONS, PRECISION, PRECISIONS,
                              STRING, kw, kws)
from .grammar_queries import QueryParts, build_query, query_source
from .grammar_support import at
from .grammar_terms import build_postfix, build_terms
from .grammar_timing import TIMING_PHRASE, build_timing
from .grammar_types import NAMED_TYPE, TYPE_SPEC

# Expression-level precedences, loosest first (cql.g4 'expression' alternatives in
# reverse order).
P_SET, P_IMPLIES, P_OR, P_AND, P_MEMBER, P_EQUAL, P_TIMING, P_COMPARE, P_BETWEEN, \
    P_TYPE, P_IS_NULL = range(1, 12)
# expressionTerm precedences.
P_ADD, P_MUL, P_POW = 1, 2, 3

# Words (besides digits, for 'X 3 days before Y') that can start a timing phrase.
_TIMING_WORDS = ("starts", "ends", "occurs", "same", "properly", "includes", "during",
                 "included", "before", "after", "within", "meets", "overlaps", "on", "less",
                 "more")


class _Op:
    """A binary operator token: ELM name and optional precision."""
    __slots__ = ("name", "precision")

    def __init__(self, name: str, precision: Optional[str] = None) -> None:
        self.name = name
        self.precision = precision


def _op(name: str, token: pp.ParserElement) -> pp.ParserElement:
    return token.copy().set_parse_action(lambda toks: [_Op(name)])


def _binary(left: ast.Expr, op: "_Op", right: ast.Expr) -> ast.Expr:
    node = ast.BinaryOp(op.name, left, right, precision=op.precision)
    node.pos = left.pos
    return node


def _unary(op: str, precision: Optional[str] = None):
    def parse_action(s: str, loc: int, toks: pp.ParseResults) -> list[ast.UnaryOp]:
        return [at(ast.UnaryOp(op, toks[-1], precision), s, loc)]
    return parse_action


def _with_pos(node: ast.Expr, pos: ast.Pos) -> ast.Expr:
    node.pos = pos
    return node


def _is(left: ast.Expr, suffix: tuple[str, bool]) -> ast.Expr:
    op, negated = suffix
    node = _with_pos(ast.UnaryOp(op, left), left.pos)
    return _with_pos(ast.UnaryOp("Not", node), left.pos) if negated else node


class _Between:
    __slots__ = ("properly", "low", "high")

    def __init__(self, properly: bool, low: ast.Expr, high: ast.Expr) -> None:
        self.properly, self.low, self.high = properly, low, high


class ExpressionGrammar:
    """Builds and holds ``expression`` and ``expression_term``."""

    def __init__(self) -> None:
        expression = pp.Forward().set_name("an expression")
        self.expression = expression
        term = build_terms(expression)
        postfix = build_postfix(term, expression)

        # ------------------------------------------------ expressionTerm
        terms = OpTable(r"[-+*/&^](?!>)|[A-Za-z_][A-Za-z0-9_]*")
        t4 = terms.at(P_ADD)
        self.expression_term = t4
        terms.add("^", P_POW, _op("Power", pp.Literal("^")), _binary)
        terms.add("*", P_MUL, _op("Multiply", pp.Literal("*")), _binary)
        terms.add("/", P_MUL, _op("Divide", pp.Literal("/")), _binary)
        terms.add(["div"], P_MUL, _op("TruncatedDivide", kw("div")), _binary)
        terms.add(["mod"], P_MUL, _op("Modulo", kw("mod")), _binary)
        terms.add("+", P_ADD, _op("Add", pp.Literal("+")), _binary)
        terms.add("-", P_ADD, _op("Subtract", pp.Literal("-")), _binary)
        terms.add("&", P_ADD, _op("Concatenate", pp.Literal("&")), _binary)
        t1 = pp.Forward().set_name("an expression")
        terms.primary = t1
        self._build_prefix(t1, t4, postfix, expression)

        # ------------------------------------------------ expression
        exprs = OpTable(r"<=|>=|!=|!~|[<>=~|]|[0-9]|[A-Za-z_][A-Za-z0-9_]*")
        queries = QueryParts(expression, t4)
        self.queries = queries

        def maybe_query(s: str, loc: int, toks: pp.ParseResults) -> Any:
            if len(toks) == 1:
                return toks[0]
            source = at(ast.AliasedSource(toks[0], toks[1]), s, loc)
            return [build_query([source, *toks[2:]], s, loc)]

        # A retrieve, a (qualified) name or a parenthesized expression followed by an
        # alias starts a query (cql.g4 querySource); the term is parsed once either way.
        term_or_query = Continue(t4, queries.alias + queries.clauses, query_source)
        term_or_query.set_parse_action(maybe_query)

        not_expr = (pp.Suppress(kw("not")) - exprs.at(P_TYPE)).set_parse_action(_unary("Not"))
        exists_expr = (pp.Suppress(kw("exists")) - exprs.at(P_TYPE)).set_parse_action(_unary("Exists"))
        cast_expr = (pp.Suppress(kw("cast")) - exprs.at(P_IS_NULL) + pp.Suppress(kw("as"))
                     - TYPE_SPEC)
        cast_expr.set_parse_action(lambda s, loc, t: [at(ast.AsType(t[0], t[1], True), s, loc)])
        exprs.primary = Dispatch({"not": [not_expr, term_or_query],
                                  "exists": [exists_expr, term_or_query],
                                  "cast": [cast_expr], "from": [queries.multi_source]},
                                 [term_or_query], "an expression")

        null_test = (pp.Suppress(kw("is")) + pp.Opt(kw("not")) + (kw("null") | kw("true") | kw("false")))
        null_test.set_parse_action(lambda t: [({"null": "IsNull", "true": "IsTrue",
                                                "false": "IsFalse"}[t[-1]], len(t) == 2)])
        exprs.add(["is"], P_IS_NULL, null_test, _is, suffix=True)
        exprs.add(["is"], P_TYPE, pp.Suppress(kw("is")) - TYPE_SPEC,
                  lambda left, t: _with_pos(ast.IsType(left, t), left.pos), suffix=True)
        exprs.add(["as"], P_TYPE, pp.Suppress(kw("as")) - TYPE_SPEC,
                  lambda left, t: _with_pos(ast.AsType(left, t), left.pos), suffix=True)

        between = (pp.Opt(kw("properly")) + pp.Suppress(kw("between")) - t4
                   + pp.Suppress(kw("and")) - t4).set_parse_action(
            lambda t: [_Between(len(t) == 3, t[-2], t[-1])])
        exprs.add(["between", "properly"], P_BETWEEN, between,
                  lambda left, b: _with_pos(ast.Between(left, b.low, b.high, b.properly), left.pos),
                  suffix=True)

        def not_cql(s: str, loc: int, toks: pp.ParseResults) -> None:
            raise pp.ParseFatalException(s, loc, "'<>' is not CQL: write '!=' (not equal)")

        exprs.add(["<"], P_COMPARE, pp.Literal("<>").set_parse_action(not_cql), _binary)
        compare = pp.Regex(r"<=|>=|<|>").set_parse_action(
            lambda t: [_Op({"<=": "LessOrEqual", ">=": "GreaterOrEqual", "<": "Less",
                            ">": "Greater"}[t[0]])])
        exprs.add(["<=", ">=", "<", ">"], P_COMPARE, compare, _binary)
        exprs.add([*_TIMING_WORDS, *"0123456789"], P_TIMING, TIMING_PHRASE, build_timing)
        equal = pp.Regex(r"!=|!~|=|~").set_parse_action(
            lambda t: [_Op({"=": "Equal", "!=": "NotEqual", "~": "Equivalent",
                            "!~": "NotEquivalent"}[t[0]])])
        exprs.add(["=", "!=", "~", "!~"], P_EQUAL, equal, _binary)
        membership = ((kw("in") | kw("contains")) + pp.Opt(PRECISION + pp.Suppress(kw("of"))))
        membership.set_parse_action(
            lambda t: [_Op("In" if t[0] == "in" else "Contains", t[1] if len(t) > 1 else None)])
        exprs.add(["in", "contains"], P_MEMBER, membership, _binary)
        exprs.add(["and"], P_AND, _op("And", kw("and")), _binary)
        exprs.add(["or"], P_OR, _op("Or", kw("or")), _binary)
        exprs.add(["xor"], P_OR, _op("Xor", kw("xor")), _binary)
        exprs.add(["implies"], P_IMPLIES, _op("Implies", kw("implies")), _binary)
        exprs.add(["|"], P_SET, _op("Union", pp.Literal("|")), _binary)
        exprs.add(["union"], P_SET, _op("Union", kw("union")), _binary)
        exprs.add(["intersect"], P_SET, _op("Intersect", kw("intersect")), _binary)
        exprs.add(["except"], P_SET, _op("Except", kw("except")), _binary)
        expression <<= exprs.at(P_SET)

    # ---------------------------------------------------------------- expressionTerm
    def _build_prefix(self, t1: pp.Forward, t4: pp.Forward, postfix: pp.ParserElement,
                      expression: pp.Forward) -> None:
        of, from_ = pp.Suppress(kw("of")), pp.Suppress(kw("from"))

        def keyword_prefix(words: tuple[str, ...], op: str) -> pp.ParserElement:
            return (pp.Suppress(kws(*words)) - t1).set_parse_action(_unary(op))

        polarity = (pp.one_of("+ -") - t1).set_parse_action(_polarity)
        component = (PRECISION + from_ - t1).set_parse_action(
            lambda s, loc, t: [at(ast.UnaryOp("DateTimeComponentFrom", t[1], t[0]), s, loc)])
        date_from = (kw("date") + from_ - t1).set_parse_action(_unary("DateFrom"))
        time_from = (kw("time") + from_ - t1).set_parse_action(_unary("TimeFrom"))
        tz_from = (kw("timezoneoffset") + from_ - t1).set_parse_action(_unary("TimezoneOffsetFrom"))
        # 'timezone from' is the CQL 1.3 spelling; still read, as the reference engines do
        tz_from_13 = (kw("timezone") + from_ - t1).set_parse_action(_unary("TimezoneOffsetFrom"))

        def between_units(op: str):
            def parse_action(s: str, loc: int, toks: pp.ParseResults) -> list[ast.BinaryOp]:
                return [at(ast.BinaryOp(op, toks[1], toks[2], precision=toks[0]), s, loc)]
            return parse_action

        def of_units(op: str):
            # 'duration in days of X' = DurationBetween(start of X, end of X) in ELM.
            def parse_action(s: str, loc: int, toks: pp.ParseResults) -> list[ast.BinaryOp]:
                start = at(ast.UnaryOp("Start", toks[1]), s, loc)
                end = at(ast.UnaryOp("End", toks[1]), s, loc)
                return [at(ast.BinaryOp(op, start, end, precision=toks[0]), s, loc)]
            return parse_action

        and_ = pp.Suppress(kw("and"))
        between_tail = pp.Suppress(kw("between")) - t4 + and_ - t4
        duration = pp.Suppress(kws("duration", "in")) - PLURAL_PRECISION + (
            (between_tail.copy().add_parse_action(lambda t: [_Pair(t[0], t[1])]))
            | (of - t1))
        duration.set_parse_action(_between_or_of("DurationBetween", between_units, of_units))
        difference = pp.Suppress(kws("difference", "in")) - PLURAL_PRECISION + (
            (between_tail.copy().add_parse_action(lambda t: [_Pair(t[0], t[1])]))
            | (of - t1))
        difference.set_parse_action(_between_or_of("DifferenceBetween", between_units, of_units))
        bare_duration = (PLURAL_PRECISION + between_tail).set_parse_action(
            between_units("DurationBetween"))

        extent = ((kw("minimum") | kw("maximum")) - NAMED_TYPE).set_parse_action(
            lambda s, loc, t: [at(ast.TypeExtent(t[0], t[1]), s, loc)])

        def convert(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Convert]:
            target = toks[1]
            if isinstance(target, str):
                return [at(ast.Convert(toks[0], unit=target), s, loc)]
            return [at(ast.Convert(toks[0], type=target), s, loc)]

        unit = STRING | PLURAL_PRECISION | PRECISION
        convert_expr = (pp.Suppress(kw("convert")) - expression + pp.Suppress(kw("to"))
                        - (unit | TYPE_SPEC)).set_parse_action(convert)

        if_expr = (pp.Suppress(kw("if")) - expression - pp.Suppress(kw("then")) - expression
                   - pp.Suppress(kw("else")) - expression).set_parse_action(
            lambda s, loc, t: [at(ast.If(t[0], t[1], t[2]), s, loc)])

        case_item = (pp.Suppress(kw("when")) - expression - pp.Suppress(kw("then"))
                     - expression).set_parse_action(
            lambda s, loc, t: [at(ast.CaseItem(t[0], t[1]), s, loc)])
        case_expr = (pp.Suppress(kw("case")) - pp.Opt(expression) + pp.OneOrMore(case_item)
                     - pp.Suppress(kw("else")) - expression - pp.Suppress(kw("end")))
        case_expr.set_parse_action(_case)

        list_op = ((kw("distinct") | kw("flatten")) - expression).set_parse_action(
            lambda s, loc, t: [at(ast.UnaryOp(t[0].capitalize(), t[1]), s, loc)])
        per = pp.Suppress(kw("per")) - (
            PRECISION.copy().add_parse_action(lambda t: [_Per(t[0])]) | expression)
        set_agg = ((kw("expand") | kw("collapse")) - expression + pp.Opt(per)).set_parse_action(_set_aggregate)

        def then_name(element: pp.ParserElement) -> list[pp.ParserElement]:
            # keywordIdentifiers ('start', 'date', ...) may also just be names
            return [element, postfix]

        table: dict[str, list[pp.ParserElement]] = {
            "+": [polarity], "-": [polarity],
            "start": then_name(keyword_prefix(("start", "of"), "Start")),
            "end": then_name(keyword_prefix(("end", "of"), "End")),
            "date": then_name(date_from), "time": then_name(time_from),
            "timezoneoffset": then_name(tz_from), "timezone": then_name(tz_from_13),
            "duration": [duration], "difference": [difference],
            "width": then_name(keyword_prefix(("width", "of"), "Width")),
            "successor": then_name(keyword_prefix(("successor", "of"), "Successor")),
            "predecessor": then_name(keyword_prefix(("predecessor", "of"), "Predecessor")),
            "singleton": [keyword_prefix(("singleton", "from"), "SingletonFrom")],
            "point": [keyword_prefix(("point", "from"), "PointFrom")],
            "minimum": [extent], "maximum": [extent], "convert": [convert_expr],
            "if": [if_expr], "case": [case_expr], "distinct": [list_op], "flatten": [list_op],
            "expand": [set_agg], "collapse": [set_agg],
        }
        table.update({p: [component] for p in PRECISIONS})
        table.update({p: [bare_duration] for p in PLURAL_PRECISIONS})
        t1 <<= Dispatch(table, [postfix], "an expression")


class _Pair:
    __slots__ = ("low", "high")

    def __init__(self, low: ast.Expr, high: ast.Expr) -> None:
        self.low, self.high = low, high


class _Per:
    __slots__ = ("precision",)

    def __init__(self, precision: str) -> None:
        self.precision = precision


def _between_or_of(op: str, between_units, of_units):
    def parse_action(s: str, loc: int, toks: pp.ParseResults) -> Any:
        unit, rest = toks[0], toks[1]
        if isinstance(rest, _Pair):
            return between_units(op)(s, loc, [unit, rest.low, rest.high])
        return of_units(op)(s, loc, [unit, rest])
    return parse_action


def _polarity(s: str, loc: int, toks: pp.ParseResults) -> Any:
    sign, operand = toks[0], toks[1]
    if sign == "+":
        return [operand]
    if isinstance(operand, ast.Literal) and operand.type in ("Integer", "Long") \
            and not operand.value.startswith("-") and operand.pos == _pos_after(s, loc):
        # '-2147483648' is only representable as a negative literal.
        return [at(ast.Literal(operand.type, "-" + operand.value), s, loc)]
    return [at(ast.UnaryOp("Negate", operand), s, loc)]


def _pos_after(s: str, loc: int) -> ast.Pos:
    """Position of the first token after the sign at ``loc``."""
    i = loc + 1
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return (s.count("\n", 0, i) + 1, i - s.rfind("\n", 0, i))


def _case(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Case]:
    items = [t for t in toks if isinstance(t, ast.CaseItem)]
    comparand = toks[0] if not isinstance(toks[0], ast.CaseItem) else None
    return [at(ast.Case(comparand, items, toks[-1]), s, loc)]


def _set_aggregate(s: str, loc: int, toks: pp.ParseResults) -> list[ast.Expr]:
    op = toks[0].capitalize()
    operand = toks[1]
    if len(toks) == 2:
        return [at(ast.UnaryOp(op, operand), s, loc)]
    per = toks[2]
    if isinstance(per, _Per):
        return [at(ast.UnaryOp(op, operand, per.precision), s, loc)]
    return [at(ast.BinaryOp(op, operand, per), s, loc)]
