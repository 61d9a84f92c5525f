"""Small helpers shared by the grammar modules: source positions and parse-action
plumbing."""
from __future__ import annotations

import bisect
import re
import threading
from typing import Any, Callable

import pyparsing as pp

from . import ast

_NEWLINE = re.compile("\n")
_lines = threading.local()   # the text being parsed and its line starts, per thread


def begin_text(s: str) -> None:
    """Index the line starts of ``s`` so that positions cost a binary search, not a
    scan from the start of the text (quadratic on large libraries)."""
    _lines.text = s
    _lines.starts = [0] + [m.end() for m in _NEWLINE.finditer(s)]


def end_text() -> None:
    _lines.text = None
    _lines.starts = None


def position(s: str, loc: int) -> ast.Pos:
    """(line, column), both 1-based, of offset ``loc`` in ``s``."""
    if getattr(_lines, "text", None) is s:
        line = bisect.bisect_right(_lines.starts, loc)
        return (line, loc - _lines.starts[line - 1] + 1)
    return (s.count("\n", 0, loc) + 1, loc - s.rfind("\n", 0, loc))


def at(node: ast.Node, s: str, loc: int) -> Any:
    """Set ``node.pos`` from ``loc`` and return the node."""
    node.pos = position(s, loc)
    return node


def action(fn: Callable[[str, int, list[Any]], Any]) -> Callable[[str, int, pp.ParseResults], Any]:
    """Adapt ``fn(s, loc, tokens_as_list)`` to a pyparsing parse action.  The node is
    wrapped in a one-element list so that pyparsing never iterates over it."""
    def parse_action(s: str, loc: int, toks: pp.ParseResults) -> list[Any]:
        return [fn(s, loc, list(toks))]
    return parse_action


class Marker:
    """A token standing for a keyword choice inside a larger phrase (e.g. 'all' in
    'return all'); compared by ``name``."""
    __slots__ = ("name", "value")

    def __init__(self, name: str, value: Any = None) -> None:
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return f"Marker({self.name!r}, {self.value!r})"


def mark(name: str, value: Any = None) -> Callable[[pp.ParseResults], list[Marker]]:
    """Parse action replacing the matched tokens by one ``Marker``."""
    def parse_action(toks: pp.ParseResults) -> list[Marker]:
        return [Marker(name, value)]
    return parse_action


def markers(tokens: list[Any]) -> dict[str, Any]:
    """The markers among ``tokens`` by name."""
    return {t.name: t.value for t in tokens if isinstance(t, Marker)}


def nodes(tokens: list[Any]) -> list[Any]:
    """The non-marker tokens."""
    return [t for t in tokens if not isinstance(t, Marker)]


def comma_list(element: pp.ParserElement) -> pp.ParserElement:
    """``element (',' element)*``; after a comma another element must follow, so a
    dangling comma is reported at the missing item."""
    return element + pp.ZeroOrMore(pp.Suppress(",") - element)
