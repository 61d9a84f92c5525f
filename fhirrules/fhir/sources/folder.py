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
    return read_resource_or_bundle(read_json_file(path), str(path), _slot_type(path))


def _slot_type(path: Path) -> str | None:
    """'Observation' for case/Observation/1.json: the type the folder promises."""
    parent = path.parent.name
    return parent if f"FHIR.{parent}" in TYPES and parent != "Bundle" else None


def _is_fhir(data: object) -> bool:
    return isinstance(data, dict) and "resourceType" in data


def read_folder(folder: Path) -> Loaded:
    """Every resource under ``folder``.  JSON files that are not FHIR at all (no
    ``resourceType``: a Bulk Data manifest, expected outputs kept beside test cases) are
    skipped with a warning; files that claim to be FHIR are checked strictly."""
    out = Loaded()
    for f in data_files(folder):
        if f.suffix == ".json":
            data = read_json_file(f)
            if not _is_fhir(data):
                out.warnings.append(f"{f}: not a FHIR resource (no resourceType); skipped")
                continue
            out.extend(read_resource_or_bundle(data, str(f), _slot_type(f)))
        else:
            out.extend(read_file(f))
    return out
