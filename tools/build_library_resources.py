"""Generate the FHIR Library resource (`libraries/<Name>.json`) of every CQL library in
`libraries/*.cql`, so the JSON never drifts from the CQL:

    python tools/build_library_resources.py            # write
    python tools/build_library_resources.py --check    # exit 1 if any JSON is stale

The Library carries the CQL itself (`content`, text/cql, base64) and a `relatedArtifact`
of type depends-on for every included library and every value set the CQL declares,
read from the CQL header with small regular expressions (the header statements are
line-oriented; no full parse is needed for this).
"""
from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

from generated_json import render_json, write_or_check  # this folder: run as a script

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ROOT / "libraries"
BASE = "http://fhirrules.org/fhir"
DATE = "2025-01-01"

_LIBRARY = re.compile(r"^library\s+(\w+)\s+version\s+'([^']+)'", re.M)
_INCLUDE = re.compile(r"^include\s+(\w+)\s+version\s+'([^']+)'", re.M)
_VALUESET = re.compile(r"^valueset\s+\"[^\"]+\":\s+'([^']+)'", re.M)
_PARAMETER = re.compile(r"^parameter\s+\"([^\"]+)\"\s+(\w+)", re.M)
_COMMENT = re.compile(r"^/\*(.*?)\*/", re.S)

# FHIRHelpers is provided natively by the engine: no Library resource to point to.
NATIVE = {"FHIRHelpers"}
FHIRHELPERS_CANONICAL = "http://fhir.org/guides/cqf/common/Library/FHIRHelpers"


def _description(text: str) -> str:
    m = _COMMENT.match(text.strip())
    if not m:
        return "CQL library of the fhirrules salvage-therapy knowledge base."
    lines = [ln.strip().lstrip("*").strip() for ln in m.group(1).splitlines()]
    return " ".join(ln for ln in lines if ln)


def library_resource(cql_path: Path) -> dict:
    text = cql_path.read_text(encoding="utf-8")
    m = _LIBRARY.search(text)
    if not m:
        raise SystemExit(f"{cql_path}: no 'library Name version' declaration")
    name, version = m.groups()
    related = []
    for inc, inc_version in _INCLUDE.findall(text):
        url = FHIRHELPERS_CANONICAL if inc in NATIVE else f"{BASE}/Library/{inc}"
        related.append({"type": "depends-on", "display": f"Library {inc}",
                        "resource": f"{url}|{inc_version}"})
    for vs in dict.fromkeys(_VALUESET.findall(text)):
        related.append({"type": "depends-on", "display": "ValueSet " + vs.rsplit("/", 1)[-1],
                        "resource": vs})
    params = [{"name": p, "use": "in", "min": 0, "max": "1", "type": _fhir_type(t)}
              for p, t in _PARAMETER.findall(text)]
    resource = {
        "resourceType": "Library", "id": name, "url": f"{BASE}/Library/{name}",
        "version": version, "name": name, "title": _title(name), "status": "draft",
        "experimental": True, "date": DATE, "publisher": "fhirrules",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/library-type",
                             "code": "logic-library"}]},
        "description": _description(text),
        "relatedArtifact": related,
        "content": [{"contentType": "text/cql",
                     "data": base64.b64encode(text.encode("utf-8")).decode("ascii")}],
    }
    if params:
        resource["parameter"] = params
    return resource


def _fhir_type(cql_type: str) -> str:
    return {"Boolean": "boolean", "Integer": "integer", "Decimal": "decimal",
            "String": "string"}.get(cql_type, "string")


def _title(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def main(argv: list[str]) -> int:
    files = {cql.with_suffix(".json"): render_json(library_resource(cql))
             for cql in sorted(LIBRARIES.glob("*.cql"))}
    return write_or_check(files, "--check" in argv, "Library resources", "tools/build_library_resources.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
