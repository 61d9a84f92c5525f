"""Clinical System types: Code, Concept and terminology references."""
from __future__ import annotations

from typing import Optional


class Code:
    """Python ``==`` is structural over all four elements; CQL equivalence (code and
    system only) is ``operators.comparison.equivalent``."""

    __slots__ = ("code", "system", "version", "display")

    def __init__(self, code: Optional[str], system: Optional[str] = None,
                 version: Optional[str] = None, display: Optional[str] = None) -> None:
        self.code = code
        self.system = system
        self.version = version
        self.display = display

    def __repr__(self) -> str:
        return f"Code({self.code!r}, {self.system!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Code):
            return NotImplemented
        return (self.code, self.system, self.version, self.display) == \
            (other.code, other.system, other.version, other.display)

    def __hash__(self) -> int:
        return hash((self.code, self.system))


class Concept:
    __slots__ = ("codes", "display")

    def __init__(self, codes: list[Code], display: Optional[str] = None) -> None:
        # a selector may hand over one Code (`Concept { codes: Code {...} }`)
        self.codes = [codes] if isinstance(codes, Code) else list(codes or [])
        self.display = display

    def __repr__(self) -> str:
        return f"Concept({self.codes!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Concept):
            return NotImplemented
        return list(self.codes) == list(other.codes) and self.display == other.display

    def __hash__(self) -> int:
        return hash(tuple(self.codes))


class CodeSystemRef:
    __slots__ = ("id", "version", "name")

    def __init__(self, id: str, version: Optional[str] = None, name: Optional[str] = None) -> None:
        self.id = id
        self.version = version
        self.name = name

    def __repr__(self) -> str:
        return f"CodeSystemRef({self.id!r})"


class ValueSetRef:
    __slots__ = ("id", "version", "codesystems", "name")

    def __init__(self, id: str, version: Optional[str] = None,
                 codesystems: Optional[list[CodeSystemRef]] = None, name: Optional[str] = None) -> None:
        self.id = id
        self.version = version
        self.codesystems = codesystems or []
        self.name = name

    def __repr__(self) -> str:
        return f"ValueSetRef({self.id!r})"
