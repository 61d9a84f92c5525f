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
    _lines.parenthesized = set()


def end_text() -> None:
    _lines.text = None
    _lines.starts = None
    _lines.parenthesized = set()


def mark_parenthesized(node: Any) -> Any:
    """Remember (for this parse) that ``node`` was written in parentheses: only such
    expressions, names and retrieves may be query sources."""
    marks = getattr(_lines, "parenthesized", None)
    if marks is not None:
        marks.add(id(node))
    return node


def is_parenthesized(node: Any) -> bool:
    marks = getattr(_lines, "parenthesized", None)
    return marks is not None and id(node) in marks


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


def comma_list(element: pp.ParserElement) -> pp.ParserElement:
    """``element (',' element)*``; after a comma another element must follow, so a
    dangling comma is reported at the missing item."""
    return element + pp.ZeroOrMore(pp.Suppress(",") - element)
