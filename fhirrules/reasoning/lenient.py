"""Leniency for knowledge written slightly off the FHIR JSON rules.

Some published content writes integers as strings (``"countMax": "59"``); the reference
engine accepts that and emits numbers, so we do the same for ``Timing.repeat``."""
from __future__ import annotations

from typing import Any

_INT_REPEAT = ("count", "countMax", "frequency", "frequencyMax")
_DEC_REPEAT = ("duration", "durationMax", "period", "periodMax")


def lenient_timing(value: Any) -> Any:
    """``value`` (a Timing) with numeric strings in ``repeat`` turned into numbers, in place."""
    if not isinstance(value, dict) or not isinstance(value.get("repeat"), dict):
        return value
    repeat = value["repeat"]
    for key in _INT_REPEAT + _DEC_REPEAT:
        v = repeat.get(key)
        if isinstance(v, str):
            try:
                repeat[key] = int(v) if key in _INT_REPEAT or v.strip().lstrip("-").isdigit() else float(v)
            except ValueError:
                pass   # not a number at all: left for validation to report
    return value
