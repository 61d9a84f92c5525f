"""String operators (spec 09-b "String Operators").

Indexes are zero-based.  Regular expressions are written in the Java dialect the spec
refers to; ``java_regex`` maps the differences Python's ``re`` cares about."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError


def Concatenate(*args: Optional[str]) -> Optional[str]:
    """``Concatenate(a, b)`` and ``a + b``: null when any argument is null."""
    if any(a is None for a in args):
        return None
    return "".join(args)  # type: ignore[arg-type]


def ConcatenateAmpersand(*args: Optional[str]) -> str:
    """``a & b``: null arguments count as empty strings."""
    return "".join(a or "" for a in args)


def Combine(items: Optional[list], separator: Optional[str] = None) -> Optional[str]:
    """Join the non-null strings; null for a null or empty list (per the suite)."""
    if items is None:
        return None
    parts = [s for s in items if s is not None]
    if not parts:
        return None
    return (separator or "").join(parts)


def Split(s: Optional[str], separator: Optional[str]) -> Optional[list]:
    if s is None:
        return None
    if not separator:
        return [s]
    return s.split(separator)


def SplitOnMatches(s: Optional[str], pattern: Optional[str]) -> Optional[list]:
    if s is None:
        return None
    if pattern is None:
        return [s]
    return _compile(pattern).split(s)


def Length(s: Optional[str]) -> Optional[int]:
    return None if s is None else len(s)


def Upper(s: Optional[str]) -> Optional[str]:
    return None if s is None else s.upper()


def Lower(s: Optional[str]) -> Optional[str]:
    return None if s is None else s.lower()


def Indexer(s: Optional[str], index: Optional[int]) -> Optional[str]:
    if s is None or index is None or index < 0 or index >= len(s):
        return None
    return s[index]


def PositionOf(pattern: Optional[str], s: Optional[str]) -> Optional[int]:
    if pattern is None or s is None:
        return None
    return s.find(pattern)


def LastPositionOf(pattern: Optional[str], s: Optional[str]) -> Optional[int]:
    if pattern is None or s is None:
        return None
    return s.rfind(pattern)


def Substring(s: Optional[str], start: Optional[int], length: Optional[int] = None) -> Optional[str]:
    if s is None or start is None:
        return None
    if start < 0 or (start >= len(s) and not (start == 0 and s == "")):
        return None
    if length is None:
        return s[start:]
    if length < 0:
        return None
    return s[start:start + length]


def StartsWith(s: Optional[str], prefix: Optional[str]) -> Optional[bool]:
    if s is None or prefix is None:
        return None
    return s.startswith(prefix)


def EndsWith(s: Optional[str], suffix: Optional[str]) -> Optional[bool]:
    if s is None or suffix is None:
        return None
    return s.endswith(suffix)


# ------------------------------------------------------------------ regex
def java_regex(pattern: str) -> str:
    """Translate the Java regex constructs Python spells differently."""
    out = re.sub(r"\(\?<([A-Za-z][A-Za-z0-9]*)>", r"(?P<\1>", pattern)     # named groups
    out = out.replace(r"\p{Alpha}", "[A-Za-z]").replace(r"\p{Digit}", r"\d") \
        .replace(r"\p{Alnum}", "[A-Za-z0-9]").replace(r"\p{Upper}", "[A-Z]") \
        .replace(r"\p{Lower}", "[a-z]").replace(r"\p{Punct}", r"[!-/:-@\[-`{-~]") \
        .replace(r"\p{Space}", r"\s").replace(r"\p{L}", r"[^\W\d_]")
    out = re.sub(r"([*+?}])\+", r"\1", out)         # possessive quantifiers -> greedy
    return out


@lru_cache(maxsize=512)
def _compile(pattern: str) -> "re.Pattern[str]":
    try:
        return re.compile(java_regex(pattern))
    except re.error as exc:
        raise CqlRuntimeError(f"invalid regular expression {pattern!r}: {exc}") from exc


def _java_replacement(repl: str) -> str:
    """Java replacement syntax ($1, \\$) to Python's (\\g<1>, $)."""
    out, i = [], 0
    while i < len(repl):
        ch = repl[i]
        if ch == "\\" and i + 1 < len(repl):
            nxt = repl[i + 1]
            out.append("\\\\" if nxt == "\\" else nxt)
            i += 2
        elif ch == "$" and i + 1 < len(repl) and repl[i + 1].isdigit():
            j = i + 1
            while j < len(repl) and repl[j].isdigit():
                j += 1
            out.append(f"\\g<{repl[i + 1:j]}>")
            i = j
        elif ch == "$" and repl[i + 1:i + 2] == "{":
            j = repl.index("}", i)
            out.append(f"\\g<{repl[i + 2:j]}>")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def Matches(s: Optional[str], pattern: Optional[str]) -> Optional[bool]:
    """The whole string must match (Java ``String.matches``)."""
    if s is None or pattern is None:
        return None
    return _compile(pattern).fullmatch(s) is not None


def ReplaceMatches(s: Optional[str], pattern: Optional[str], replacement: Optional[str]) -> Optional[str]:
    if s is None or pattern is None or replacement is None:
        return None
    return _compile(pattern).sub(_java_replacement(replacement), s)


OPERATORS: dict[str, Callable[..., Any]] = {
    "Concatenate": ConcatenateAmpersand, "Combine": Combine, "Split": Split,
    "SplitOnMatches": SplitOnMatches, "Length": Length, "Upper": Upper, "Lower": Lower,
    "Indexer": Indexer, "PositionOf": PositionOf, "LastPositionOf": LastPositionOf,
    "Substring": Substring, "StartsWith": StartsWith, "EndsWith": EndsWith,
    "Matches": Matches, "ReplaceMatches": ReplaceMatches,
}
FUNCTIONS: dict[str, Callable[..., Any]] = dict(OPERATORS, Concatenate=Concatenate)
