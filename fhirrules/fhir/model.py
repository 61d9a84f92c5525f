"""``FhirModel``: the CQL ModelProvider for FHIR R4 (4.0.1).

Member access on FHIR data (plain dicts) is driven by the generated model table: the
element's declared type decides how the JSON is wrapped (see ``values.py``), choice
elements (``Observation.value``) look up ``valueQuantity``, ``valueString`` ... in the
model's order, and primitives keep their ``_element`` sibling for ``id``/``extension``.
An element the model does not know is ignored (None), as the reference engines do."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from fhirrules.cql.errors import CqlRuntimeError, CqlSemanticError
from fhirrules.fhir import helpers
from fhirrules.fhir.modelinfo_table import TYPES
from fhirrules.fhir.primitives import system_value
from fhirrules.fhir.temporal_adapter import to_iso
from fhirrules.fhir.typeinfo import (choice_key, choice_of_key, element_info, is_subtype, known_type,
                                     primary_code_path, primitive_system_type, qualify)
from fhirrules.fhir.values import FhirElement, FhirPrimitive


def _value_type(value: Any) -> Optional[str]:
    """Qualified FHIR type of a model value, or None if it is not one."""
    t = type(value)
    if t is dict:
        rt = value.get("resourceType")
        return "FHIR." + rt if isinstance(rt, str) else None
    if t is FhirElement or t is FhirPrimitive:
        return value.type
    return None


_SYSTEM, _PRIMITIVE, _COMPLEX = 0, 1, 2


@lru_cache(maxsize=None)
def _kind(type_name: str) -> int:
    if type_name.startswith("System."):
        return _SYSTEM
    return _PRIMITIVE if primitive_system_type(type_name) is not None else _COMPLEX


def wrap(raw: Any, type_name: str, ext: Any = None) -> Any:
    """JSON found at an element of declared type ``type_name`` -> model value."""
    if type(raw) is list or (raw is None and type(ext) is list):
        items = raw if raw is not None else [None] * len(ext)
        exts = ext if type(ext) is list else ()
        out = []
        for i, item in enumerate(items):
            e = exts[i] if i < len(exts) else None
            if item is not None or e is not None:
                out.append(wrap(item, type_name, e))
        return out
    if raw is None and ext is None:
        return None
    kind = _kind(type_name)
    if kind == _PRIMITIVE:
        return FhirPrimitive(type_name, raw, ext)
    if kind == _SYSTEM:
        return system_value(type_name, raw)
    if type(raw) is dict:
        if "resourceType" in raw:
            return raw            # a contained / entry resource: resources stay dicts
        return FhirElement(type_name, raw)
    return raw


def _primitive_property(value: FhirPrimitive, name: str) -> Any:
    if name == "value":
        return value.value
    ext = value.ext or {}
    if name == "id":
        return ext.get("id")
    if name == "extension":
        return wrap(ext.get("extension"), "FHIR.Extension")
    return None


@lru_cache(maxsize=None)
def _plan(type_name: str, name: str) -> tuple[tuple[str, str, str], ...]:
    """Where element ``name`` of ``type_name`` lives in JSON: (key, '_'+key, type) for
    each candidate, in the model's order (several for a choice element); () if unknown."""
    info = element_info(type_name, name)
    if info is None:
        choice = choice_of_key(type_name, name)     # `valueQuantity` written out
        return ((name, "_" + name, choice[1]),) if choice is not None else ()
    typ = info[0]
    if type(typ) is tuple:
        return tuple((choice_key(name, c), "_" + choice_key(name, c), c) for c in typ)
    return ((name, "_" + name, typ),)


def get_element(data: dict, type_name: str, name: str) -> Any:
    """Element ``name`` of the JSON object ``data`` of type ``type_name``."""
    for key, ext_key, typ in _plan(type_name, name):
        raw = data.get(key)
        ext = data.get(ext_key)
        if raw is not None or ext is not None:
            return wrap(raw, typ, ext)
    if name == "resourceType":
        return data.get("resourceType")
    return None


def get_property(value: Any, path: str) -> Any:
    """``value.path`` for model values; ``path`` may be dotted ('code.coding').  Over a
    list the access is applied to each item and flattened (FHIRPath-style paths such as
    retrieve code paths need it)."""
    if "." in path:
        for part in path.split("."):
            value = get_property(value, part)
            if value is None:
                return None
        return value
    t = type(value)
    if t is dict:
        rt = value.get("resourceType")
        if rt is None:
            return value.get(path)    # an untyped dict: best effort
        return get_element(value, "FHIR." + rt, path)
    if t is FhirElement:
        plan = _plan(value.type, path)
        if plan:
            return get_element(value.data, value.type, path)
        return _converted_member(value, path)
    if t is FhirPrimitive:
        return _primitive_property(value, path)
    if t is list:
        out = []
        for item in value:
            r = get_property(item, path)
            if type(r) is list:
                out.extend(r)
            elif r is not None:
                out.append(r)
        return out
    if value is None:
        return None
    return getattr(value, path, None)


def _converted_member(element: FhirElement, name: str) -> Any:
    """A member the FHIR type lacks but its System counterpart has (``codes`` of a
    CodeableConcept handed where a System Concept was declared): the implicit
    FHIRHelpers conversion the call site implied, applied on access."""
    converted = helpers.element_to_system(element)
    if converted is element:
        return None
    return getattr(converted, name, None) if name in getattr(type(converted), "__slots__", ()) else None


def _to_json(value: Any) -> Any:
    """A CQL value placed into a FHIR element by an instance selector -> JSON."""
    if isinstance(value, FhirElement):
        return value.data
    if isinstance(value, FhirPrimitive):
        return value.raw
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if hasattr(value, "cql_str"):
        return to_iso(value)
    if hasattr(value, "unit") and hasattr(value, "value") and not isinstance(value, dict):
        return {"value": float(value.value) if value.value is not None else None,
                "unit": value.unit, "system": helpers.UCUM, "code": value.unit}
    from fhirrules.cql.types.clinical import Code, Concept
    if isinstance(value, Code):
        return {k: v for k, v in (("system", value.system), ("version", value.version),
                                  ("code", value.code), ("display", value.display)) if v is not None}
    if isinstance(value, Concept):
        out: dict = {"coding": [_to_json(c) for c in value.codes]}
        if value.display:
            out["text"] = value.display
        return out
    from decimal import Decimal
    if isinstance(value, Decimal):
        return float(value)
    return value


class FhirModel:
    """The ModelProvider the engine is given as ``models={"FHIR": FhirModel()}``."""

    name = "FHIR"
    version = "4.0.1"
    url = "http://hl7.org/fhir"
    patient_class = "FHIR.Patient"
    patient_birth_date_property = "birthDate.value"

    def known_type(self, name: str) -> bool:
        return known_type(name)

    def is_type(self, value: Any, type_name: str) -> Optional[bool]:
        vt = _value_type(value)
        if vt is None:
            return None
        target = qualify(type_name)
        if target.startswith("System."):
            return False
        return is_subtype(vt, target)

    def type_name(self, value: Any) -> Optional[str]:
        return _value_type(value)

    def get_property(self, value: Any, path: str) -> Any:
        return get_property(value, path)

    def to_system(self, value: Any) -> Any:
        return helpers.to_system(value)

    def create(self, type_name: str, elements: dict) -> Any:
        """Instance selector: ``FHIR.Patient { id: 'x' }``, ``Coding { code: ... }``,
        ``date { value: @2020-01-01 }``."""
        t = qualify(type_name)
        if t not in TYPES:
            raise CqlSemanticError(f"unknown FHIR type {type_name!r}")
        if primitive_system_type(t) is not None:
            value = elements.get("value")
            ext = {k: _to_json(v) for k, v in elements.items() if k != "value" and v is not None}
            return FhirPrimitive(t, _to_json(value), ext or None, value)
        data: dict = {}
        for key, val in elements.items():
            if val is None:
                continue
            info = element_info(t, key)
            if info is None:
                raise CqlSemanticError(f"{t} has no element {key!r}")
            typ = info[0]
            if type(typ) is tuple:
                vt = _value_type(val) or _system_to_choice(val, typ)
                key = choice_key(key, vt) if vt else key
            data[key] = _to_json(val)
        if TYPES[t].get("base") in ("FHIR.DomainResource", "FHIR.Resource") or t in (
                "FHIR.Resource", "FHIR.DomainResource", "FHIR.Bundle", "FHIR.Parameters", "FHIR.Binary"):
            return {"resourceType": t.split(".", 1)[1], **data}
        return FhirElement(t, data)

    def primary_code_path(self, type_name: str) -> Optional[str]:
        return primary_code_path(type_name)


_SYSTEM_TO_FHIR = {"str": "FHIR.string", "bool": "FHIR.boolean", "int": "FHIR.integer",
                   "Decimal": "FHIR.decimal", "Quantity": "FHIR.Quantity", "Code": "FHIR.Coding",
                   "Concept": "FHIR.CodeableConcept", "Date": "FHIR.date", "DateTime": "FHIR.dateTime",
                   "Time": "FHIR.time", "Ratio": "FHIR.Ratio", "Interval": "FHIR.Period"}


def _system_to_choice(value: Any, choices: tuple) -> Optional[str]:
    t = _SYSTEM_TO_FHIR.get(type(value).__name__)
    if t in choices:
        return t
    if t is None:
        raise CqlRuntimeError(f"cannot place a {type(value).__name__} in a choice element")
    return None


MODEL = FhirModel()
