"""Lexical layer of the CQL grammar: keywords, identifiers, literals, comments.

The word lists follow the keyword / reservedWord / keywordIdentifier / obsoleteIdentifier
/ functionIdentifier sets of the CQL 1.5 grammar (cql.g4).  Identifiers are one regex
plus a set lookup instead of pyparsing ``Keyword`` alternations: a single regex match
and a ``frozenset`` test is far cheaper than trying a hundred keywords in turn.
"""
from __future__ import annotations

import re

import pyparsing as pp

from .errors import CqlSyntaxError

# -------------------------------------------------------------------- word classes
# Every CQL keyword (single words; multi-word keywords such as 'such that' are built
# from their parts).
KEYWORDS: frozenset[str] = frozenset("""
after aggregate all and as asc ascending before between by called case cast code Code
codesystem codesystems collapse concept Concept contains context convert date day days
default define desc descending difference display distinct div duration during else end
ends except exists expand false flatten fluent from function hour hours if implies in
include includes included intersect Interval is let library List maximum meets millisecond
milliseconds minimum minute minutes mod month months not null occurs of on or overlaps
parameter per point predecessor private properly public return same second seconds
singleton start starting starts sort successor such then time timezoneoffset to true Tuple
union using valueset version week weeks where when width with within without xor year
years Choice less more that
""".split())

# Keywords that may still be used as identifiers where a name is referenced
# (cql.g4 keywordIdentifier; 'or ...' pairs reduce to words already covered).
KEYWORD_IDENTIFIERS: frozenset[str] = frozenset("""
asc ascending by called code codesystem codesystems concept contains context date default
define desc descending display div end ends except fluent function implies include
includes intersect library meets mod overlaps parameter predecessor private public start
starting starts successor time timezoneoffset union using valueset version where width xor
""".split())

# Accepted as identifiers in CQL 1.3 (cql.g4 obsoleteIdentifier); we accept them only
# where no ambiguity can arise: member names after '.', tuple element names.
OBSOLETE_IDENTIFIERS: frozenset[str] = frozenset("""
all Code code Concept concept contains date display distinct end exists not start time
timezoneoffset version where
""".split())

# Reserved words that are also type names (cql.g4 typeNameIdentifier).
TYPE_NAME_IDENTIFIERS: frozenset[str] = frozenset({"Code", "Concept", "date", "time"})

# Words that are not CQL 1.5 keywords but that our multi-word phrases use ('less than',
# 'more than', 'such that', 'on or'); they stay usable as identifiers.
_PHRASE_ONLY = frozenset({"less", "more", "that", "on", "Choice"})
RESERVED: frozenset[str] = (KEYWORDS - KEYWORD_IDENTIFIERS) - _PHRASE_ONLY
STRICT_EXCLUDED: frozenset[str] = KEYWORDS - _PHRASE_ONLY

PRECISIONS: dict[str, str] = {
    "year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour",
    "minute": "minute", "second": "second", "millisecond": "millisecond",
}
PLURAL_PRECISIONS: dict[str, str] = {p + "s": p for p in PRECISIONS}

# -------------------------------------------------------------------- comments
_COMMENT_SCAN = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`\\]|\\.)*`|//[^\n]*|/\*.*?\*/|/\*",
    re.DOTALL)


def blank_comments(text: str, source_name: str) -> str:
    """Replace every comment by spaces (newlines kept) so that token positions stay
    those of the original text; strings and quoted identifiers are skipped over so that
    a '//' inside 'http://...' is not taken for a comment."""
    if "/" not in text:
        return text
    parts: list[str] = []
    last = 0
    for m in _COMMENT_SCAN.finditer(text):
        token = m.group()
        if token[0] != "/":
            continue
        if token == "/*":
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - text.rfind("\n", 0, m.start())
            src = text.splitlines()[line - 1] if text.splitlines() else ""
            raise CqlSyntaxError("unterminated block comment: '/*' without a closing '*/'",
                                 line, col, source_name, src)
        parts.append(text[last:m.start()])
        parts.append(re.sub(r"[^\n]", " ", token))
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


# -------------------------------------------------------------------- escapes
_ESCAPES = {"'": "'", '"': '"', "`": "`", "\\": "\\", "/": "/", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t"}
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)", re.DOTALL)


def unescape(body: str, s: str, loc: int) -> str:
    """Resolve the CQL escapes (\\' \\" \\` \\\\ \\/ \\f \\n \\r \\t \\uXXXX) of a
    string or delimited identifier body; an unknown escape is a syntax error."""
    if "\\" not in body:
        return body

    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if len(esc) == 5:
            return chr(int(esc[1:], 16))
        if esc in _ESCAPES:
            return _ESCAPES[esc]
        raise pp.ParseFatalException(s, loc, f"unknown escape sequence '\\{esc}' in string")

    return _ESCAPE_RE.sub(repl, body)


# -------------------------------------------------------------------- raw tokens
_QUOTED_RE = r'"(?:[^"\\]|\\.)*"'
_BACKTICK_RE = r"`(?:[^`\\]|\\.)*`"
_STRING_RE = r"'(?:[^'\\]|\\.)*'"


def _unquote(s: str, loc: int, toks: pp.ParseResults) -> str:
    return unescape(toks[0][1:-1], s, loc)


STRING = pp.Regex(_STRING_RE).set_name("a string")
STRING.set_parse_action(_unquote)


_NAME_RE = r"[A-Za-z_][A-Za-z0-9_]*|" + _QUOTED_RE + "|" + _BACKTICK_RE


def _word_class(excluded: frozenset[str], name: str, prefix: str = "") -> pp.ParserElement:
    """A plain word not in ``excluded``, or any quoted identifier (unquoted).  One regex
    for both: identifiers are the most frequent token."""
    def check(s: str, loc: int, toks: pp.ParseResults) -> str:
        word = toks[0]
        if word[0] in "\"`":
            return unescape(word[1:-1], s, loc)
        if word in excluded:
            raise pp.ParseException(s, loc, f"Expected {name}, found keyword '{word}'")
        return word

    return pp.Regex(prefix + "(?:" + _NAME_RE + ")").set_parse_action(check).set_name(name)


# identifier: no keyword at all (aliases, define names, let names)
IDENTIFIER = _word_class(STRICT_EXCLUDED, "an identifier")
# referentialIdentifier: identifier or keywordIdentifier
REFERENTIAL = _word_class(RESERVED, "an identifier")
# member and tuple element names: anything not ambiguous there
MEMBER_NAME = _word_class(RESERVED - OBSOLETE_IDENTIFIERS, "a member name")
# referentialOrTypeNameIdentifier
TYPE_NAME = _word_class(RESERVED - TYPE_NAME_IDENTIFIERS, "a type name")
# identifierOrFunctionIdentifier: every word
ANY_NAME = _word_class(frozenset(), "a name")
# A query alias: an identifier that does not start the phrases 'on or', 'less than',
# 'more than' (whose first words alone are not keywords).
ALIAS = _word_class(STRICT_EXCLUDED, "an alias",
                    r"(?!(?:on\s+or|less\s+than|more\s+than)(?![A-Za-z0-9_]))")


def kw(word: str) -> pp.Keyword:
    """A keyword that must not run into a following identifier character."""
    return pp.Keyword(word, ident_chars=pp.identbodychars)


def kws(*words: str) -> pp.ParserElement:
    """A multi-word keyword phrase ('such that', 'included in'), any spacing between."""
    expr = kw(words[0])
    for w in words[1:]:
        expr = expr + kw(w)
    return expr


def one_of_words(words: "list[str] | dict[str, str]", name: str) -> pp.ParserElement:
    """One of ``words`` as whole words, returned as written (or mapped by the dict)."""
    mapping = words if isinstance(words, dict) else {w: w for w in words}
    alternation = "|".join(sorted((re.escape(w) for w in mapping), key=len, reverse=True))
    expr = pp.Regex(r"(?:%s)(?![A-Za-z0-9_])" % alternation).set_name(name)
    expr.set_parse_action(lambda t: mapping[t[0]])
    return expr


PRECISION = one_of_words(PRECISIONS, "a date/time precision")
PLURAL_PRECISION = one_of_words(PLURAL_PRECISIONS, "a plural date/time precision")

# Numbers: Long (5L), Decimal (1.5) and Integer; the literal builders live in
# grammar_literals.py.
NUMBER_RE = r"[0-9]+(?:\.[0-9]+)?"
DATE_TIME_RE = (r"@[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
                r"(?:T(?:[0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?)?"
                r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?")
TIME_RE = r"@T[0-9]{2}(?::[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
