"""Bundles: collection, transaction, batch, searchset, batch-/transaction-response,
document, message, history.  Entries without a resource are allowed only where FHIR
allows them (responses, deletes); a searchset's OperationOutcome entries (search mode
``outcome``) are not patient data; a Bundle inside an entry (a batch-response to a
search) is read recursively."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from fhirrules.fhir.errors import FhirDataError, FhirSourceError
from fhirrules.fhir.sources.loaded import Loaded
from fhirrules.fhir.validate import check_resource

_NO_RESOURCE_OK = ("batch-response", "transaction-response", "history", "transaction", "batch")


def read_bundle(bundle: Any, where: str = "bundle") -> Loaded:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        found = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise FhirDataError(f"{where}: field 'resourceType' is {found!r}, expected 'Bundle'")
    btype = bundle.get("type")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise FhirDataError(f"{where}: field 'entry' must be a list")
    out = Loaded()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise FhirDataError(f"{where} entry {i}: not a JSON object")
        res = entry.get("resource")
        if res is None:
            if btype in _NO_RESOURCE_OK:
                continue
            raise FhirDataError(f"{where} entry {i}: field 'resource' is missing")
        if isinstance(res, dict) and res.get("resourceType") == "Bundle":
            out.extend(read_bundle(res, f"{where} entry {i}"))
            continue
        search = entry.get("search")
        if search is not None and not isinstance(search, dict):
            raise FhirDataError(f"{where} entry {i}: field 'search' must be a JSON object")
        if (search or {}).get("mode") == "outcome":
            continue
        out.warnings.extend(check_resource(res, where, i))
        out.entries.append((res, entry.get("fullUrl")))
    return out


def read_json_file(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise FhirSourceError(f"{path}: file not found") from None
    except orjson.JSONDecodeError as e:
        raise FhirDataError(f"{path}: not valid JSON ({e})") from None


def read_resource_or_bundle(data: Any, where: str, expected_type: str | None = None) -> Loaded:
    """A JSON document that is either a Bundle or one resource."""
    if isinstance(data, dict) and data.get("resourceType") == "Bundle" and expected_type in (None, "Bundle"):
        return read_bundle(data, where)
    out = Loaded()
    out.warnings.extend(check_resource(data, where, None, expected_type))
    out.entries.append((data, None))
    return out
