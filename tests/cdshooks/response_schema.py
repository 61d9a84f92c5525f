"""Validation of response bodies against our CDS Hooks 2.0.1 JSON Schema, plus the
"no empty values anywhere" rule the schema cannot say for free-form resources."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = json.loads((Path(__file__).parent / "cds_hooks_response.schema.json").read_text())
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def empties(value: Any, path: str = "$") -> list[str]:
    """Paths of every null, empty string, empty list or empty object in ``value``."""
    found = []
    if value is None or (isinstance(value, (str, list, dict)) and len(value) == 0):
        return [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(empties(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(empties(item, f"{path}[{i}]"))
    return found


def assert_valid_response(body: Any) -> None:
    errors = sorted(_VALIDATOR.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    # ``{"cards": []}`` is the one empty list the spec requires; nothing else may be empty.
    found = [p for p in empties(body) if p != "$.cards" or body["cards"] != []]
    assert not found, found
