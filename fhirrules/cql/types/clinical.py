"""Clinical System types: Code, Concept and terminology references."""
from __future__ import annotations

from typing import Optional


class Code:
    __slots__ = ("code", "system", "version", "display")

    def __init__(self, code: Optional[str], system: Optional[str] = None,
                 version: Optional[str] = None, display: Optional[str] = None) -> None:
        self.code = code
        self.system = system
        self.version = version
        self.display = display

    def __repr__(self) -> str:
        return f"Code({self.code!r}, {self.system!r})"


class Concept:
    __slots__ = ("codes", "display")

    def __init__(self, codes: list[Code], display: Optional[str] = None) -> None:
        self.codes = codes
        self.display = display

    def __repr__(self) -> str:
        return f"Concept({self.codes!r})"


class CodeSystemRef:
    __slots__ = ("id", "version", "name")

    def __init__(self, id: str, version: Optional[str] = None, name: Optional[str] = None) -> None:
        self.id = id
        self.version = version
        self.name = name


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
