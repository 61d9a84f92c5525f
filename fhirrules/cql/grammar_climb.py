"""Two custom pyparsing elements that keep the CQL grammar linear and fast.

``Dispatch`` picks the alternatives to try from the next token (a word or a character)
instead of trying every alternative of a large ``MatchFirst`` in turn.

``Climb`` parses binary and postfix operators by precedence climbing: after each
operand it looks at the next token once, finds the operators that may start there and
binds them according to their precedence.  A chain of one pyparsing level per
precedence (what ``infix_notation`` builds) costs a few parser calls per level for every
operand - CQL has sixteen levels - and ``infix_notation``'s look-ahead doubles the work
at each level without packrat.  Measured with benchmarks/parse_benchmark.py --compare
(same 16-level operator table, CPU per expression): climbing 0.06 ms,
``infix_notation`` with packrat 4.7 ms, without packrat 1.1 s already at 8 levels.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional, Sequence

import pyparsing as pp

_WS = " \t\r\n"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def skip_ws(s: str, loc: int) -> int:
    n = len(s)
    while loc < n and s[loc] in _WS:
        loc += 1
    return loc


def next_key(s: str, loc: int) -> str:
    """The word at ``loc``, or its single character ('' at the end)."""
    m = _KEY.match(s, loc)
    if m:
        return m.group()
    return s[loc] if loc < len(s) else ""


class Dispatch(pp.ParserElement):
    """Try only the alternatives registered for the next word or character."""

    def __init__(self, table: dict[str, Sequence[pp.ParserElement]],
                 default: Sequence[pp.ParserElement] = (), name: str = "an expression") -> None:
        super().__init__()
        self.table = {k: list(v) for k, v in table.items()}
        self.default = list(default)
        self.set_name(name)
        self.mayReturnEmpty = False
        self.mayIndexError = False

    def _alternatives(self, s: str, loc: int) -> list[pp.ParserElement]:
        key = next_key(s, loc)
        alts = self.table.get(key)
        return self.default if alts is None else alts

    def parseImpl(self, instring: str, loc: int, do_actions: bool = True):
        best: Optional[pp.ParseException] = None
        for alt in self._alternatives(instring, loc):
            try:
                return alt._parse(instring, loc, do_actions)
            except pp.ParseFatalException:
                raise
            except pp.ParseException as exc:
                if best is None or exc.loc > best.loc:
                    best = exc
        if best is not None and best.loc > loc:
            raise best
        raise pp.ParseException(instring, loc, self.errmsg, self)

    def streamline(self) -> "Dispatch":
        if not self.streamlined:
            super().streamline()
            for alts in [*self.table.values(), self.default]:
                for alt in alts:
                    alt.streamline()
        return self

    def recurse(self) -> list[pp.ParserElement]:
        seen: list[pp.ParserElement] = []
        for alts in [*self.table.values(), self.default]:
            for alt in alts:
                if alt not in seen:
                    seen.append(alt)
        return seen

    def _generateDefaultName(self) -> str:
        return "Dispatch"


Builder = Callable[..., Any]


class OpTable:
    """Operators of one climbing grammar: for each starting word or character, the
    (precedence, element, builder, is_suffix) entries to try, in order.

    A binary builder is ``fn(left, op_token, right)``; a suffix builder
    ``fn(left, op_token)``.  Higher precedence binds tighter; all binary operators of
    CQL are left-associative.
    """

    def __init__(self, key_pattern: str) -> None:
        self.key_re = re.compile(key_pattern)
        self.entries: dict[str, list[tuple[int, pp.ParserElement, Builder, bool]]] = {}
        self.primary: pp.ParserElement = pp.Empty()
        self._climbers: dict[int, "Climb"] = {}

    def add(self, keys: Sequence[str], prec: int, element: pp.ParserElement, builder: Builder,
            suffix: bool = False) -> None:
        for key in keys:
            self.entries.setdefault(key, []).append((prec, element, builder, suffix))

    def at(self, min_prec: int, name: str = "an expression") -> "Climb":
        """The element parsing an operand followed by operators of at least
        ``min_prec``."""
        if min_prec not in self._climbers:
            self._climbers[min_prec] = Climb(self, min_prec, name)
        return self._climbers[min_prec]

    def candidates(self, s: str, loc: int):
        m = self.key_re.match(s, loc)
        if not m:
            return ()
        return self.entries.get(m.group(), ())


class Climb(pp.ParserElement):
    """operand (operator operand | suffix)* with precedence >= ``min_prec``."""

    def __init__(self, table: OpTable, min_prec: int, name: str) -> None:
        super().__init__()
        self.table = table
        self.min_prec = min_prec
        self.set_name(name)
        self.mayReturnEmpty = False
        self.mayIndexError = False

    def parseImpl(self, instring: str, loc: int, do_actions: bool = True):
        table = self.table
        loc, toks = table.primary._parse(instring, loc, do_actions)
        left = toks[0] if toks else None
        while True:
            op_loc = skip_ws(instring, loc)
            for prec, element, builder, suffix in table.candidates(instring, op_loc):
                if prec < self.min_prec:
                    continue
                try:
                    after_op, op_toks = element._parse(instring, op_loc, do_actions)
                except pp.ParseFatalException:
                    raise
                except pp.ParseException:
                    continue
                op_tok = op_toks[0] if op_toks else None
                if suffix:
                    if do_actions:
                        left = builder(left, op_tok)
                    loc = after_op
                else:
                    try:
                        loc, right_toks = table.at(prec + 1)._parse(instring, after_op, do_actions)
                    except pp.ParseFatalException:
                        raise
                    except pp.ParseException as exc:
                        op_text = instring[op_loc:after_op].strip()
                        where = max(exc.loc, skip_ws(instring, after_op))
                        raise pp.ParseSyntaxException(
                            instring, where, f"expected an expression after '{op_text}'") from None
                    if do_actions:
                        left = builder(left, op_tok, right_toks[0])
                break
            else:
                return loc, [left] if do_actions else []

    def streamline(self) -> "Climb":
        if not self.streamlined:
            super().streamline()
            self.table.primary.streamline()
            for entries in self.table.entries.values():
                for _, element, _, _ in entries:
                    element.streamline()
        return self

    def recurse(self) -> list[pp.ParserElement]:
        return [self.table.primary]

    def _generateDefaultName(self) -> str:
        return f"Climb({self.min_prec})"


class Guard(pp.ParserElement):
    """``element``, tried only when ``pattern`` matches at the next token: one regex
    test instead of several parser calls on the (frequent) failing path."""

    def __init__(self, pattern: str, element: pp.ParserElement) -> None:
        super().__init__()
        self.pattern = re.compile(pattern)
        self.element = element
        self.set_name(element.name)
        self.mayReturnEmpty = element.mayReturnEmpty
        self.mayIndexError = False

    def parseImpl(self, instring: str, loc: int, do_actions: bool = True):
        if not self.pattern.match(instring, loc):
            raise pp.ParseException(instring, loc, self.errmsg, self)
        return self.element._parse(instring, loc, do_actions)

    def streamline(self) -> "Guard":
        if not self.streamlined:
            super().streamline()
            self.element.streamline()
        return self

    def recurse(self) -> list[pp.ParserElement]:
        return [self.element]

    def _generateDefaultName(self) -> str:
        return f"Guard({self.pattern.pattern})"


class Continue(pp.ParserElement):
    """``head`` then, only when ``accept(head's token)``, an optional ``tail``.  Lets the
    value parsed so far decide what may follow without parsing it twice (a query
    alias may only follow a retrieve, a name or a parenthesized expression)."""

    def __init__(self, head: pp.ParserElement, tail: pp.ParserElement,
                 accept: Callable[[Any], bool], name: str = "an expression") -> None:
        super().__init__()
        self.head, self.tail, self.accept = head, tail, accept
        self.set_name(name)
        self.mayReturnEmpty = False
        self.mayIndexError = False

    def parseImpl(self, instring: str, loc: int, do_actions: bool = True):
        loc, toks = self.head._parse(instring, loc, do_actions)
        if not do_actions or not toks or not self.accept(toks[0]):
            return loc, toks
        try:
            loc, more = self.tail._parse(instring, loc, do_actions)
        except pp.ParseFatalException:
            raise
        except pp.ParseException:
            return loc, toks
        return loc, [*toks, *more]

    def streamline(self) -> "Continue":
        if not self.streamlined:
            super().streamline()
            self.head.streamline()
            self.tail.streamline()
        return self

    def recurse(self) -> list[pp.ParserElement]:
        return [self.head, self.tail]

    def _generateDefaultName(self) -> str:
        return "Continue"
