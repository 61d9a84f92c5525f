"""Clinical operators (spec 09-b "Clinical Operators") that need no terminology
service: code/concept membership in code lists.  Value set and code system membership
go through the terminology provider (the compiler wires that); the age functions
(``CalculateAgeIn<Precision>sAt``) are date arithmetic and live in ``temporal``."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from fhirrules.cql.operators.comparison import normalize_string
from fhirrules.cql.types.clinical import Code, Concept


def codes_of(x: Any) -> list[Code]:
    """The codes a Code, Concept or list of them carries."""
    if x is None:
        return []
    if isinstance(x, Code):
        return [x]
    if isinstance(x, Concept):
        return [c for c in x.codes if c is not None]
    if isinstance(x, (list, tuple)):
        out: list[Code] = []
        for item in x:
            out.extend(codes_of(item))
        return out
    return []


def InCodes(x: Any, codes: Optional[Iterable[Code]]) -> Optional[bool]:
    """True when a Code (or any code of a Concept) is equivalent — same code and
    system — to one of ``codes``."""
    if x is None or codes is None:
        return None
    keys = {_key(c) for c in codes_of(list(codes))}
    return any(_key(c) in keys for c in codes_of(x))


def _key(c: Code) -> tuple[Optional[str], Optional[str]]:
    # the same comparison as Code equivalence, as a hashable key for set lookups
    return (None if c.code is None else normalize_string(c.code),
            None if c.system is None else normalize_string(c.system))


def AnyInCodes(items: Optional[list], codes: Optional[Iterable[Code]]) -> Optional[bool]:
    """``AnyInValueSet`` against an explicit code list."""
    if items is None or codes is None:
        return None
    code_list = list(codes)
    return any(InCodes(x, code_list) for x in items if x is not None)


OPERATORS: dict[str, Callable[..., Any]] = {"InCodes": InCodes, "AnyInCodes": AnyInCodes}
FUNCTIONS: dict[str, Callable[..., Any]] = {}
