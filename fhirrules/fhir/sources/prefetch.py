"""A CDS Hooks prefetch object: ``{key: resource | searchset Bundle | null}``.  Null means
the EHR had nothing (or chose not to prefetch); it contributes no data."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from fhirrules.fhir.errors import FhirDataError
from fhirrules.fhir.record import PatientRecord
from fhirrules.fhir.sources.bundle import read_resource_or_bundle
from fhirrules.fhir.sources.loaded import Loaded


def read_prefetch(prefetch: Mapping[str, Any]) -> Loaded:
    if not isinstance(prefetch, Mapping):
        raise FhirDataError(f"prefetch must be a JSON object, found {type(prefetch).__name__}")
    out = Loaded()
    for key, value in prefetch.items():
        if value is None:
            continue
        out.extend(read_resource_or_bundle(value, f"prefetch[{key!r}]"))
    return out


def record_from_prefetch(prefetch: Mapping[str, Any], terminology: Optional[Any] = None) -> PatientRecord:
    """One PatientRecord from the prefetch (resources seen twice are kept once)."""
    loaded = read_prefetch(prefetch)
    record = PatientRecord(terminology=terminology, source="prefetch", warnings=loaded.warnings)
    seen: set[str] = set()
    for res, full_url in loaded.entries:
        key = f"{res['resourceType']}/{res.get('id')}" if res.get("id") else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        record.add(res, full_url)
    return record
