"""Remove nulls and empties from a JSON value.

CDS Hooks clients treat an empty string, list or object as a (broken) value, so the
response never carries one: we prune once, at the edge, rather than guarding every field."""
from __future__ import annotations

from typing import Any


def prune(value: Any) -> Any:
    """Return ``value`` without ``None``, ``""``, ``[]`` or ``{}`` anywhere inside it.

    Containers that become empty after pruning are removed too. ``False`` and ``0`` stay:
    they are values, not absences."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            cleaned = prune(item)
            if not _is_empty(cleaned):
                out[key] = cleaned
        return out
    if isinstance(value, list):
        return [c for c in (prune(v) for v in value) if not _is_empty(c)]
    return value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)
