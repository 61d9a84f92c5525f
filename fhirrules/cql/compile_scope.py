"""Compile-time scopes: which local names (query aliases, lets, function operands) are
visible where, and which run-time slot holds each one.

Locals live in ``ctx.slots`` under an integer id chosen at compile time.  Every binding
site saves the slot's previous value and restores it on exit, so recursion and nested
queries that reuse a binding site see a proper stack discipline without frames."""
from __future__ import annotations

import itertools
from typing import Any, Optional

from fhirrules.cql.types.typesys import CqlType

_slot_ids = itertools.count(1)


def new_slot() -> int:
    return next(_slot_ids)


class Binding:
    __slots__ = ("slot", "type", "kind")

    def __init__(self, slot: int, type: Optional[CqlType], kind: str) -> None:
        self.slot = slot
        self.type = type
        self.kind = kind          # 'alias' | 'let' | 'operand' | 'implicit'


class Scope:
    """A chain of name -> Binding maps; ``implicit`` is the slot whose value's properties
    bare identifiers may name (``sort by name``)."""

    __slots__ = ("parent", "names", "implicit", "context")

    def __init__(self, parent: Optional["Scope"] = None, names: Optional[dict[str, Binding]] = None,
                 implicit: Optional[Binding] = None, context: Optional[str] = None) -> None:
        self.parent = parent
        self.names = names or {}
        self.implicit = implicit
        self.context = context if context is not None else (parent.context if parent else None)

    def child(self, names: Optional[dict[str, Binding]] = None, implicit: Optional[Binding] = None) -> "Scope":
        return Scope(self, names, implicit)

    def lookup(self, name: str) -> Optional[Binding]:
        s: Optional[Scope] = self
        while s is not None:
            b = s.names.get(name)
            if b is not None:
                return b
            s = s.parent
        return None

    def find_implicit(self) -> Optional[Binding]:
        s: Optional[Scope] = self
        while s is not None:
            if s.implicit is not None:
                return s.implicit
            s = s.parent
        return None

    def all_names(self) -> list[str]:
        out: list[str] = []
        s: Optional[Scope] = self
        while s is not None:
            out.extend(s.names)
            s = s.parent
        return out


_MISSING: Any = object()
MISSING = _MISSING
