"""A folder of resource files, read recursively: ``*.json`` (a resource or a Bundle) and
``*.ndjson``.  In the layout ``<case>/<ResourceType>/<id>.json`` a file inside a folder
named after a resource type must hold that type (reported otherwise)."""
from __future__ import annotations

from pathlib import Path

from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.sources.bundle import read_json_file, read_resource_or_bundle
from fhirrules.fhir.sources.loaded import Loaded
from fhirrules.fhir.sources.ndjson import read_ndjson


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".json", ".ndjson")
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def read_file(path: Path) -> Loaded:
    if path.suffix == ".ndjson":
        return read_ndjson(path)
    parent = path.parent.name
    expected = parent if f"FHIR.{parent}" in TYPES and parent != "Bundle" else None
    return read_resource_or_bundle(read_json_file(path), str(path), expected)


def read_folder(folder: Path) -> Loaded:
    out = Loaded()
    for f in data_files(folder):
        out.extend(read_file(f))
    return out
