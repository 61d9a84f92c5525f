"""Questions about FHIR types answered from the generated model table: an element's
type and cardinality (following base types), subtyping, which types are primitives and
their System value type, and the JSON names of choice elements (``value[x]``)."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from fhirrules.fhir.modelinfo_table import TYPES

# Types whose JSON form is a Quantity object (FHIRHelpers converts them all to Quantity).
QUANTITY_TYPES = frozenset(("FHIR.Quantity", "FHIR.Age", "FHIR.Duration", "FHIR.Distance",
                            "FHIR.Count", "FHIR.SimpleQuantity", "FHIR.MoneyQuantity"))


def qualify(name: str) -> str:
    """'Observation' -> 'FHIR.Observation'; qualified names unchanged."""
    if name.startswith("FHIR.") or name.startswith("System."):
        return name
    return "FHIR." + name


def known_type(name: str) -> bool:
    return qualify(name) in TYPES


@lru_cache(maxsize=None)
def element_info(type_name: str, element: str) -> Optional[tuple]:
    """(type, many) of ``element`` on ``type_name`` or an ancestor; None if unknown.
    ``type`` is a str, or a tuple of str for a choice element."""
    t: Optional[str] = type_name
    while t and t in TYPES:
        info = TYPES[t].get("elements", {}).get(element)
        if info is not None:
            typ, many = info
            return (tuple(typ) if isinstance(typ, list) else typ), bool(many)
        t = TYPES[t].get("base")
    return None


@lru_cache(maxsize=None)
def is_subtype(type_name: str, ancestor: str) -> bool:
    t: Optional[str] = type_name
    while t:
        if t == ancestor:
            return True
        t = TYPES.get(t, {}).get("base")
    return ancestor == "System.Any"


@lru_cache(maxsize=None)
def primitive_system_type(type_name: str) -> Optional[str]:
    """'FHIR.date' -> 'System.Date'; None for complex types.  FHIR primitives (and the
    code-bound enumerations such as FHIR.ObservationStatus) are the types whose ``value``
    element is a System type."""
    info = element_info(type_name, "value")
    if info is None or isinstance(info[0], tuple):
        return None
    typ = info[0]
    return typ if typ.startswith("System.") else None


@lru_cache(maxsize=None)
def choice_key(element: str, type_name: str) -> str:
    """JSON property of one choice of ``element[x]``: ('value', 'FHIR.dateTime') ->
    'valueDateTime'."""
    short = type_name.split(".", 1)[1]
    # SimpleQuantity and MoneyQuantity are profiles of Quantity, not types: their JSON
    # name is the base type's (Dosage.doseAndRate `doseQuantity`)
    short = _JSON_TYPE_NAME.get(short, short)
    return element + short[0].upper() + short[1:]


_JSON_TYPE_NAME = {"SimpleQuantity": "Quantity", "MoneyQuantity": "Quantity"}


@lru_cache(maxsize=None)
def choice_of_key(type_name: str, key: str) -> Optional[tuple[str, str]]:
    """Inverse of choice_key for one type: 'valueQuantity' on FHIR.Observation ->
    ('value', 'FHIR.Quantity'); None when ``key`` is no choice element's JSON name."""
    for i in range(len(key) - 1, 0, -1):
        if key[i].isupper():
            info = element_info(type_name, key[:i])
            if info is not None and isinstance(info[0], tuple):
                for choice in info[0]:
                    if choice_key(key[:i], choice) == key:
                        return key[:i], choice
    return None


def primary_code_path(type_name: str) -> Optional[str]:
    return TYPES.get(qualify(type_name), {}).get("primaryCodePath")


def patient_paths(resource_type: str) -> list[str]:
    """Element paths whose references tie a resource to a Patient (the model's Patient
    context relationships, resolved from search parameter names to elements by the
    generator), e.g. Condition -> ['subject', 'asserter']."""
    return TYPES.get(qualify(resource_type), {}).get("patientPaths", [])


def search_param(resource_type: str, path: str) -> Optional[str]:
    return TYPES.get(qualify(resource_type), {}).get("search", {}).get(path)
