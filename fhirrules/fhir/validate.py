"""Load-time checks on incoming resources: strict where it matters, lenient elsewhere.

Errors (``FhirDataError``): a resource that is not a JSON object, has no or an unknown
``resourceType``, or the wrong ``resourceType`` for the slot it came in (a bulk file
``Observation.ndjson`` holding a Condition, ``case/Observation/1.json`` holding a
Patient).  Warnings (strings, kept on the PatientRecord): top-level elements the model
does not know (they are ignored on evaluation)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from fhirrules.fhir.errors import FhirDataError
from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.typeinfo import choice_key

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
    allowed = _json_keys("FHIR." + rt)
    return [f"{describe(where, index, resource)}: unknown element {key!r} ignored"
            for key in resource if key not in allowed]


@lru_cache(maxsize=None)
def _json_keys(type_name: str) -> frozenset[str]:
    """Every JSON property a resource of this type may carry: its elements (inherited
    too), each choice element's typed names (valueQuantity ...), and their '_' siblings."""
    keys = set(_ALWAYS_OK)
    t: Optional[str] = type_name
    while t and t in TYPES:
        for name, (typ, _many) in TYPES[t].get("elements", {}).items():
            names = [choice_key(name, c) for c in typ] if isinstance(typ, list) else [name]
            keys.update(names)
            keys.update("_" + n for n in names)
        t = TYPES[t].get("base")
    return frozenset(keys)
