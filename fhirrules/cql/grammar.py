"""The CQL 1.5 parser: CQL text -> ``ast`` nodes, with pyparsing.

Public API::

    parse_library(text, source_name="<cql>") -> ast.Library
    parse_expression(text, source_name="<cql>") -> ast.Expr

Both raise ``CqlSyntaxError`` (with line, column, source name and the source line) on
bad input and nothing else.  The grammar is split by topic: ``grammar_lexical`` (words,
literals' tokens, comments), ``grammar_literals``, ``grammar_types``, ``grammar_terms``
(selectors, invocations), ``grammar_queries`` (retrieve, query clauses),
``grammar_timing`` (timing phrases), ``grammar_expressions`` (precedence levels) and
``grammar_library`` (definitions).  The grammar object is built once, on first use; no
parse state is kept between calls.

Conventions beyond ``ast.py``'s docstrings (what the compiler can rely on):

- ``x.Foo(args)`` is always ``FunctionCall('Foo', args, source=x, fluent=True)``, also
  for library-qualified calls; ``x.y`` is ``Member``; any word may follow the dot.
- ``-`` directly before an Integer/Long literal folds into the literal ('-5'), which is
  how ``-2147483648`` stays representable; Integer/Long literals out of range are
  syntax errors (as the conformance suite's invalid="syntax" cases require); ``+x`` is
  just ``x``.
- ``duration in days of X`` / ``difference in days of X`` become
  ``BinaryOp('DurationBetween'|'DifferenceBetween', Start(X), End(X), 'day')`` (ELM).
- A timing phrase without start/end boundaries and without a quantity offset is the
  ``BinaryOp`` of its ELM operator ('on or before' -> SameOrBefore, 'during' ->
  IncludedIn); otherwise a ``TimingExpr`` whose relation may also be 'same_or_before' /
  'same_or_after' with a quantity ('3 days on or before').  In '... before start of X'
  the right operand is ``UnaryOp('Start', X)`` (same ELM as the boundary form).
- A query source is a retrieve, a (qualified) name, a parenthesized expression (as in
  cql.g4) or, beyond cql.g4, a function call or member/index chain on one
  (``"Verified"(obs) O``): the project's libraries use that form.  ``{1, 2} x`` must be
  written ``({1, 2}) x``.  Multi-source queries need 'from'.
- ``IncludeDef.alias`` is filled with the last path segment when 'called' is absent.
- The parser raises the interpreter recursion limit to 20000 (never lowers it):
  nesting ~300 deep parses; deeper input is a CqlSyntaxError, not a crash.
"""
from __future__ import annotations

import re
import sys
import threading
from typing import Optional

import pyparsing as pp

from . import ast
from .errors import CqlError, CqlSyntaxError
from .grammar_lexical import KEYWORDS, blank_comments
from .grammar_support import begin_text, end_text

# Deeply nested CQL recurses through every precedence level (~70 Python frames per
# nesting level); the default limit of 1000 would stop at about a dozen levels.
_RECURSION_LIMIT = 20000

_lock = threading.Lock()
_grammar: Optional[tuple[pp.ParserElement, pp.ParserElement]] = None


def _build() -> tuple[pp.ParserElement, pp.ParserElement]:
    from .grammar_expressions import ExpressionGrammar
    from .grammar_library import build_library

    grammar = ExpressionGrammar()
    library = build_library(grammar)
    expression = grammar.expression + pp.StringEnd().set_name("the end of the expression")
    for element in (library, expression):
        # Column numbers must count a tab as one character, like the source.
        element.parse_with_tabs()
    return library, expression


def _elements() -> tuple[pp.ParserElement, pp.ParserElement]:
    global _grammar
    if _grammar is None:
        with _lock:
            if _grammar is None:
                _grammar = _build()
    return _grammar


def parse_library(text: str, source_name: str = "<cql>") -> ast.Library:
    """Parse a whole CQL library."""
    library, _ = _elements()
    lib = _parse(library, text, source_name)
    lib.source_name = source_name
    return lib


def parse_expression(text: str, source_name: str = "<cql>") -> ast.Expr:
    """Parse one CQL expression (e.g. a ``text/cql-expression`` or a test case)."""
    _, expression = _elements()
    return _parse(expression, text, source_name)


def _parse(element: pp.ParserElement, text: str, source_name: str):
    if not isinstance(text, str):
        raise CqlSyntaxError(f"CQL source must be text, not {type(text).__name__}",
                             None, None, source_name)
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        # A byte-order mark counts as a blank so that columns stay those of the text.
        clean = blank_comments(text.replace("\ufeff", " ", 1) if text[:1] == "\ufeff" else text,
                               source_name)
        begin_text(clean)
        return element.parse_string(clean, parse_all=True)[0]
    except CqlError:
        raise
    except pp.ParseBaseException as exc:
        raise _syntax_error(exc, text, source_name) from None
    except RecursionError:
        raise CqlSyntaxError("expression nested too deeply to parse", 1, 1, source_name,
                             _line(text, 1)) from None
    except Exception as exc:   # pragma: no cover - a parser bug; still an engine error
        raise CqlSyntaxError(f"internal parser error ({type(exc).__name__}: {exc}); "
                             "please report this input", 1, 1, source_name,
                             _line(text, 1)) from exc
    finally:
        end_text()


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _found(text: str, loc: int) -> str:
    """A short description of what is at ``loc``."""
    if loc >= len(text) or not text[loc:].strip():
        return "the end of the text"
    rest = text[loc:].lstrip()
    m = re.match(r"[A-Za-z_][A-Za-z0-9_]*|'[^'\n]*'?|\"[^\"\n]*\"?|@[\w:.+-]*|[0-9.]+|\S", rest)
    token = m.group() if m else rest[:1]
    return repr(token[:30])


def _syntax_error(exc: pp.ParseBaseException, text: str, source_name: str) -> CqlSyntaxError:
    loc = min(exc.loc, len(text))
    # Point at the offending token, not at the whitespace before it.
    while loc < len(text) and text[loc] in " \t\r\n":
        loc += 1
    if loc >= len(text) and text:
        loc = len(text.rstrip())
    line = text.count("\n", 0, loc) + 1
    col = loc - text.rfind("\n", 0, loc)
    return CqlSyntaxError(_message(exc, text, loc), line, col, source_name, _line(text, line))


def _message(exc: pp.ParseBaseException, text: str, loc: int) -> str:
    raw = str(exc.msg)
    if isinstance(exc, pp.ParseFatalException) and not raw.startswith("Expected"):
        return raw   # our own messages (literal out of range, bad escape...)
    expected = raw[len("Expected "):] if raw.startswith("Expected ") else raw
    expected = expected.split(", found")[0]
    found = _found(text, loc)
    return _describe(expected, found, at_start=not text[:loc].strip()) + _case_hint(found)


def _describe(expected: str, found: str, at_start: bool) -> str:
    if expected == _LIBRARY_END and at_start:
        return (f"unexpected {found}: a library starts with 'library', a definition "
                "('using', 'include', 'valueset', ...) or 'define'")
    if expected == _LIBRARY_END:
        word = found.strip("'\"")
        if word == "library":
            return "the 'library' header must come first, and only once"
        if word in _HEADER_WORDS:
            return (f"'{word}' definitions must come before the first 'define' or 'context'")
        return (f"unexpected {found}: expected an operator, a query clause or a new "
                "definition ('define', 'context')")
    if expected == _EXPRESSION_END:
        return f"unexpected {found}: expected an operator or the end of the expression"
    return f"expected {_plain(expected)}, found {found}"


def _case_hint(found: str) -> str:
    """'Define' for 'define': keywords are case-sensitive, say so."""
    word = found.strip("'")
    if word not in KEYWORDS:
        for keyword in KEYWORDS:
            if keyword.lower() == word.lower():
                return f" (keywords are case-sensitive: did you mean '{keyword}'?)"
    return ""


_LIBRARY_END = "a definition or the end of the library"
_EXPRESSION_END = "the end of the expression"
_HEADER_WORDS = {"using", "include", "codesystem", "valueset", "code", "concept", "parameter"}


def _plain(expected: str) -> str:
    """pyparsing describes expectations in grammar notation; say it in words."""
    expected = expected.strip()
    m = re.fullmatch(r"(?:Keyword )?'([^']+)'", expected)
    if m:
        return f"'{m.group(1)}'"
    if expected in ("end of text", "StringEnd"):
        return "the end of the text"
    if " | " in expected and not expected.startswith("{"):
        expected = "{" + expected + "}"
    if expected.startswith("{"):
        # an alternation of keyword phrases: {{'or' 'before'} | {'or' 'after'} | 'as'}
        body = expected[1:-1]
        choices = [" ".join(re.findall(r"'([^']+)'", alt)) for alt in body.split(" | ")]
        if all(choices) and not re.search(r"[A-Za-z]{3,}:", body) and len(choices) > 1:
            quoted = [f"'{c}'" for c in choices]
            return ", ".join(quoted[:-1]) + " or " + quoted[-1]
        return "an expression"
    if expected.startswith("[") or len(expected) > 60:
        return "an expression"
    return expected
