"""Writing a value into FHIR JSON at a simple FHIR path (what ``dynamicValue.path`` is).

Supported paths are dotted element names with optional indexes:
``title``, ``dosage[0].doseAndRate[0].doseQuantity``, ``code.coding[1]``.  Missing
intermediate objects and list slots are created; a ``%resource.`` prefix is allowed."""
from __future__ import annotations

import re
from typing import Any

from fhirrules.reasoning.errors import ExpressionError

_SEGMENT = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def parse_path(path: str) -> list[tuple[str, int | None]]:
    text = path.strip()
    for prefix in ("%resource.", "%context."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    segments = []
    for part in text.split("."):
        m = _SEGMENT.match(part)
        if not m:
            raise ExpressionError(f"unsupported dynamicValue path {path!r} (segment {part!r})")
        segments.append((m.group(1), int(m.group(2)) if m.group(2) is not None else None))
    if not segments:
        raise ExpressionError(f"empty dynamicValue path {path!r}")
    return segments


def set_path(target: dict, path: str, value: Any) -> None:
    """Set ``value`` at ``path`` inside ``target`` (in place).  A ``None`` value removes
    the element: an expression that evaluates to null means "no value"."""
    segments = parse_path(path)
    node: Any = target
    for i, (name, index) in enumerate(segments):
        last = i == len(segments) - 1
        if index is None:
            if last:
                if value is None:
                    node.pop(name, None)
                else:
                    node[name] = value
                return
            child = node.get(name)
            if isinstance(child, list):   # a repeating element addressed without index: the first
                if not child:
                    child.append({})
                child = child[0]
            elif not isinstance(child, dict):
                child = {}
                node[name] = child
            node = child
        else:
            items = node.get(name)
            if not isinstance(items, list):
                items = [] if items is None else [items]
                node[name] = items
            if last and value is None:
                if index < len(items):
                    del items[index]
                if not items:
                    node.pop(name, None)
                return
            while len(items) <= index:
                items.append({})
            if last:
                items[index] = value
                return
            if not isinstance(items[index], dict):
                items[index] = {}
            node = items[index]
