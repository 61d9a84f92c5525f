"""NDJSON, as the FHIR Bulk Data export writes it: one resource per line, one file per
resource type (``Observation.ndjson``, ``Observation.000.ndjson``, ``Observation_2.ndjson``).
When the file name names a resource type, every line must be of that type."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import orjson

from fhirrules.fhir.errors import FhirDataError, FhirSourceError
from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.sources.loaded import Loaded
from fhirrules.fhir.validate import check_resource

_TYPE_PREFIX = re.compile(r"^([A-Z][A-Za-z]+)")


def expected_type_for(path: Path) -> Optional[str]:
    m = _TYPE_PREFIX.match(path.name)
    if m and f"FHIR.{m.group(1)}" in TYPES:
        return m.group(1)
    return None


def read_ndjson(path: Path) -> Loaded:
    expected = expected_type_for(path)
    out = Loaded()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FhirSourceError(f"{path}: file not found") from None
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            res = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise FhirDataError(f"{path} line {lineno}: not valid JSON ({e})") from None
        out.warnings.extend(check_resource(res, f"{path} line {lineno}", None, expected))
        out.entries.append((res, None))
    return out
