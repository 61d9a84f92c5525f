"""Where the knowledge artifacts live, and small readers shared by the knowledge tests."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ROOT / "libraries"
TERMINOLOGY = LIBRARIES / "terminology"
PLANS = ROOT / "plandefinitions"
EXAMPLES = ROOT / "examples"
EXPECTED = EXAMPLES / "expected"
BASE = "http://fhirrules.org/fhir"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def resources(folder: Path, resource_type: str) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.json")):
        data = load(path)
        if data.get("resourceType") == resource_type:
            out.append(data)
    return out


def plan_definitions() -> list[dict]:
    return resources(PLANS, "PlanDefinition")


def activity_definitions() -> list[dict]:
    return resources(PLANS, "ActivityDefinition")


def cql_files() -> list[Path]:
    return sorted(LIBRARIES.glob("*.cql"))


_DEFINE = re.compile(r'^define\s+(?:function\s+)?"([^"]+)"', re.M)


def define_bodies(cql_text: str) -> dict[str, str]:
    """define name -> its text up to the next top-level statement (enough for gating checks)."""
    starts = [(m.start(), m.group(1)) for m in _DEFINE.finditer(cql_text)]
    out = {}
    for i, (pos, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(cql_text)
        out[name] = cql_text[pos:end]
    return out


def library_name(canonical: str) -> str:
    return canonical.split("|")[0].rsplit("/", 1)[-1]
