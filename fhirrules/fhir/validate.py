"""Load-time checks on incoming resources: strict where it matters, lenient elsewhere.

Errors (``FhirDataError``): a resource that is not a JSON object, has no or an unknown
``resourceType``, or the wrong ``resourceType`` for the slot it came in (a bulk file
``Observation.ndjson`` holding a Condition, ``case/Observation/1.json`` holding a
Patient).  Warnings (strings, kept on the PatientRecord): top-level elements the model
does not know (they are ignored on evaluation)."""
from __future__ import annotations

from typing import Any, Optional

from fhirrules.fhir.errors import FhirDataError
from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.typeinfo import choice_of_key, element_info

_ALWAYS_OK = frozenset(("resourceType", "id", "meta", "text", "contained", "extension",
                        "modifierExtension", "implicitRules", "language"))


def describe(where: str, index: Optional[int], resource: Any) -> str:
    """'bundle.json entry 3 (Observation/obs-1)' for messages."""
    text = where
    if index is not None:
        text += f" entry {index}"
    if isinstance(resource, dict) and resource.get("resourceType"):
        text += f" ({resource.get('resourceType')}/{resource.get('id', '?')})"
    return text


def check_resource(resource: Any, where: str, index: Optional[int] = None,
                   expected_type: Optional[str] = None) -> list[str]:
    """Raise FhirDataError for unusable resources; return warnings for sloppy ones."""
    if not isinstance(resource, dict):
        raise FhirDataError(f"{describe(where, index, None)}: field 'resource' is not a JSON object")
    rt = resource.get("resourceType")
    if not isinstance(rt, str) or not rt:
        raise FhirDataError(f"{describe(where, index, resource)}: field 'resourceType' is missing")
    if f"FHIR.{rt}" not in TYPES:
        raise FhirDataError(f"{describe(where, index, resource)}: field 'resourceType': "
                            f"unknown FHIR R4 resource type {rt!r}")
    if expected_type is not None and rt != expected_type:
        raise FhirDataError(f"{describe(where, index, resource)}: field 'resourceType' is {rt!r} "
                            f"but this slot holds {expected_type} resources")
    rid = resource.get("id")
    if rid is not None and not isinstance(rid, str):
        raise FhirDataError(f"{describe(where, index, resource)}: field 'id' must be a string")
    warnings = []
    tname = "FHIR." + rt
    for key in resource:
        if key in _ALWAYS_OK:
            continue
        name = key[1:] if key.startswith("_") else key
        if element_info(tname, name) is None and choice_of_key(tname, name) is None:
            warnings.append(f"{describe(where, index, resource)}: unknown element {key!r} ignored")
    return warnings
