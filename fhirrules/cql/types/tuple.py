"""System Tuple values: an ordered mapping of element name to value."""
from __future__ import annotations

from typing import Any, Iterable


class CqlTuple(dict):
    """A dict with CQL tuple identity.  Element order is the order of definition.
    ``CqlTuple({'a': 1})``, ``CqlTuple([('a', 1)])`` and ``CqlTuple(a=1)`` all work."""

    __slots__ = ()

    def __init__(self, elements: Iterable[tuple[str, Any]] | dict | None = None, **named: Any) -> None:
        super().__init__(elements or ())
        if named:
            self.update(named)

    def __repr__(self) -> str:
        return "Tuple{" + ", ".join(f"{k}: {v!r}" for k, v in self.items()) + "}"
