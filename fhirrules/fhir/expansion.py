"""The members of a value set, hashed: (system, code) -> the versions seen.  Shared by
local expansion (``terminology.py``) and remote ``$expand`` (``terminology_remote.py``)."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from fhirrules.cql.types.clinical import Code

Key = tuple[str, str]   # (system, code)


class Expansion:
    """The members of one value set: (system, code) -> versions seen (None: any)."""

    __slots__ = ("members", "displays")

    def __init__(self) -> None:
        self.members: dict[Key, set[Optional[str]]] = {}
        self.displays: dict[Key, Optional[str]] = {}

    def add(self, system: Optional[str], code: Any, version: Optional[str] = None,
            display: Optional[str] = None) -> None:
        if system is None or code is None:
            return
        key = (system, str(code))
        self.members.setdefault(key, set()).add(version)
        self.displays.setdefault(key, display)

    def discard(self, system: Optional[str], code: Any) -> None:
        if system is not None and code is not None:
            self.members.pop((system, str(code)), None)

    def contains(self, system: Optional[str], code: Optional[str],
                 version: Optional[str] = None) -> bool:
        versions = self.members.get((system, code))  # type: ignore[arg-type]
        if versions is None:
            return False
        return version is None or None in versions or version in versions

    def codes(self) -> list[Code]:
        return [Code(code, system, next(iter(v - {None}), None), self.displays.get((system, code)))
                for (system, code), v in self.members.items()]

    def __len__(self) -> int:
        return len(self.members)


def walk_contains(items: Iterable[dict], exp: Expansion) -> None:
    for item in items or ():
        if "code" in item and not item.get("abstract") and not item.get("inactive"):
            exp.add(item.get("system"), item.get("code"), item.get("version"), item.get("display"))
        walk_contains(item.get("contains") or (), exp)


def intersect(a: Expansion, b: Expansion) -> Expansion:
    out = Expansion()
    for key, versions in a.members.items():
        if key in b.members:
            for v in versions:
                out.add(key[0], key[1], v, a.displays.get(key))
    return out
