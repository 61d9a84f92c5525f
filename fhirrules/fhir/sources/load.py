"""``load_patients(path_or_url)``: one PatientRecord per patient from any supported input.

- a ``.json`` file: a Bundle (any type) or one resource
- a ``.ndjson`` file, or a folder of them (bulk export layout)
- a folder of resource files / Bundles, also ``<case>/<ResourceType>/<id>.json``, also a
  folder holding many patients' folders or bundles
- an ``http(s)://`` FHIR server base URL (one ServerRecord per patient id given, or per
  Patient the server lists)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from fhirrules.fhir.errors import FhirSourceError
from fhirrules.fhir.sources.bundle import read_json_file, read_resource_or_bundle
from fhirrules.fhir.sources.folder import read_file, read_folder
from fhirrules.fhir.sources.group import group_patients
from fhirrules.fhir.sources.loaded import Loaded


def load_data(path: Path) -> Loaded:
    if path.is_dir():
        return read_folder(path)
    if path.is_file():
        if path.suffix == ".ndjson":
            return read_file(path)
        return read_resource_or_bundle(read_json_file(path), str(path))
    raise FhirSourceError(f"{path}: no such file or folder")


def load_patients(path_or_url: str | Path, *, terminology: Optional[Any] = None,
                  token: Optional[str] = None, patient_ids: Sequence[str] = (),
                  server_options: Optional[dict] = None) -> Iterator[Any]:
    text = str(path_or_url)
    if text.startswith(("http://", "https://")):
        from fhirrules.fhir.sources.server import FhirServer, ServerRecord
        server = FhirServer(text, token=token, **(server_options or {}))
        for pid in (patient_ids or server.patient_ids()):
            yield ServerRecord(server, pid, terminology=terminology)
        return
    path = Path(path_or_url)
    loaded = load_data(path)
    records = group_patients(loaded, terminology=terminology, source=str(path))
    if patient_ids:
        records = [r for r in records if r.patient_id in set(patient_ids)]
    yield from records
