"""Build the engine's System Date/DateTime/Time values from FHIR's ISO 8601 text.

FHIR writes ``2019-03``, ``2019-03-04``, ``2019-03-04T10:20:00+01:00``; CQL literal text
(what ``fhirrules.cql.types.temporal`` parses) is the same after ``@`` except that a
DateTime at date precision needs a trailing ``T``.  The temporal types are built by the
operator work in parallel with this binding, so the constructor is looked up once, at
first use, among the usual spellings; until that module exists a minimal stand-in keeps
the binding usable (and its tests meaningful)."""
from __future__ import annotations

import importlib
import re
from typing import Any, Callable, Optional

from fhirrules.cql.errors import CqlRuntimeError

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?)?$")
_TIME = re.compile(r"^T?(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$")
PRECISIONS = ("year", "month", "day", "hour", "minute", "second", "millisecond")


class FallbackTemporal:
    """Stand-in used only while ``fhirrules.cql.types.temporal`` is missing: keeps the
    components, the precision and the CQL text."""

    __slots__ = ("kind", "parts", "tz", "precision")

    def __init__(self, kind: str, parts: tuple, tz: Optional[str]) -> None:
        self.kind = kind
        self.parts = parts
        self.tz = tz
        offset = 3 if kind == "Time" else 0
        self.precision = PRECISIONS[offset + len(parts) - 1]

    def cql_str(self) -> str:
        return "@" + _text(self.kind, self.parts, self.tz)

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, FallbackTemporal) and self.kind == other.kind
                and self.parts == other.parts and self.tz == other.tz)

    def __hash__(self) -> int:
        return hash((self.kind, self.parts, self.tz))

    def __repr__(self) -> str:
        return f"{self.kind}({self.cql_str()})"


def _text(kind: str, parts: tuple, tz: Optional[str]) -> str:
    """CQL literal text (without '@') for components (year, month, ..., ms)."""
    if kind == "Time":
        h = parts
        text = "T" + ":".join(f"{p:02d}" for p in h[:3])
        if len(h) > 3:
            text += f".{h[3]:03d}"
        return text
    text = f"{parts[0]:04d}" + "".join(f"-{p:02d}" for p in parts[1:3])
    if kind == "DateTime":
        text += "T"
        if len(parts) > 3:
            text += ":".join(f"{p:02d}" for p in parts[3:6])
            if len(parts) > 6:
                text += f".{parts[6]:03d}"
            if tz:
                text += tz
    return text


def _ms(frac: Optional[str]) -> Optional[int]:
    return None if frac is None else int((frac + "00")[:3])


def _lookup(kind: str) -> Callable[[str], Any] | None:
    """The engine's constructor from CQL literal text, or None when not available."""
    try:
        mod = importlib.import_module("fhirrules.cql.types.temporal")
    except ImportError:
        return None
    # the compiler builds literals with parse_temporal_literal(text-without-'@')
    for fname in ("parse_temporal_literal", f"parse_{kind.lower()}", f"{kind.lower()}_from_text"):
        fn = getattr(mod, fname, None)
        if callable(fn):
            return fn
    cls = getattr(mod, kind, None)
    for meth in ("parse", "from_cql", "from_text", "from_string", "from_iso", "fromisoformat"):
        fn = getattr(cls, meth, None)
        if callable(fn):
            return fn
    return None


_BUILDERS: dict[str, Callable[[str], Any] | None] = {}


def _build(kind: str, parts: tuple, tz: Optional[str]) -> Any:
    if kind not in _BUILDERS or _BUILDERS[kind] is None:
        _BUILDERS[kind] = _lookup(kind)
    fn = _BUILDERS[kind]
    if fn is None:
        return FallbackTemporal(kind, parts, tz)
    text = _text(kind, parts, tz)
    try:
        return fn(text)
    except Exception:
        # some parsers want the '@' of the literal
        return fn("@" + text)


def parse_date(text: str) -> Any:
    """FHIR ``date`` text -> System.Date."""
    m = _DATE.match(text.strip()) if isinstance(text, str) else None
    if not m:
        # a dateTime where a date was expected: keep the date part (lenient)
        m2 = _DATETIME.match(text.strip()) if isinstance(text, str) else None
        if not m2:
            raise CqlRuntimeError(f"invalid FHIR date {text!r}")
        m = m2
    parts = tuple(int(p) for p in m.groups()[:3] if p is not None)
    return _build("Date", parts, None)


def parse_datetime(text: str) -> Any:
    """FHIR ``dateTime``/``instant`` text -> System.DateTime (date-only text gives a
    DateTime at day, month or year precision, as FHIRHelpers.ToDateTime does)."""
    m = _DATETIME.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise CqlRuntimeError(f"invalid FHIR dateTime {text!r}")
    y, mo, d, h, mi, s, frac, tz = m.groups()
    parts = [int(p) for p in (y, mo, d, h, mi, s) if p is not None]
    if s is not None and frac is not None:
        parts.append(_ms(frac))
    if tz == "Z":
        tz = "Z"
    return _build("DateTime", tuple(parts), tz)


def parse_time(text: str) -> Any:
    """FHIR ``time`` text (``10:20:00``) -> System.Time."""
    m = _TIME.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise CqlRuntimeError(f"invalid FHIR time {text!r}")
    h, mi, s, frac = m.groups()
    parts = [int(p) for p in (h, mi, s) if p is not None]
    if s is not None and frac is not None:
        parts.append(_ms(frac))
    return _build("Time", tuple(parts), None)


def to_iso(value: Any) -> str:
    """System temporal -> FHIR text (no '@', no trailing 'T')."""
    text = value.cql_str() if hasattr(value, "cql_str") else str(value)
    text = text.lstrip("@")
    if text.endswith("T"):
        text = text[:-1]
    if text.startswith("T"):
        text = text[1:]
    return text
