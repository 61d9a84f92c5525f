"""Typed FHIR nodes for FHIRPath navigation.

FHIR data stays plain JSON (dicts, lists, str, Decimal, bool); a ``Node`` pairs one JSON
value with its FHIR type name from the generated model table, so that navigation can
resolve choice types (``Observation.value`` -> ``valueQuantity``), ``is``/``as``/``ofType``
can test types, and primitives can turn into System values when an operator needs one.
"""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator, Optional

# FHIR primitive type -> the System type its value converts to
PRIMITIVE_SYSTEM_TYPE = {
    "boolean": "Boolean", "integer": "Integer", "positiveInt": "Integer", "unsignedInt": "Integer",
    "integer64": "Long", "decimal": "Decimal", "string": "String", "code": "String", "id": "String",
    "markdown": "String", "uri": "String", "url": "String", "canonical": "String", "oid": "String",
    "uuid": "String", "base64Binary": "String", "xhtml": "String", "date": "Date",
    "dateTime": "DateTime", "instant": "DateTime", "time": "Time",
}


@lru_cache(maxsize=1)
def model_types() -> dict[str, Any]:
    """The generated FHIR 4.0.1 model table (see tools/gen_modelinfo.py)."""
    text = resources.files("fhirrules.fhir").joinpath("modelinfo_table.json").read_text()
    return json.loads(text)["types"]


def _short(name: str) -> str:
    return name.split(".", 1)[1] if name.startswith("FHIR.") else name


@lru_cache(maxsize=None)
def fhir_type_info(type_name: str) -> Optional[dict[str, Any]]:
    """Model entry for an unqualified FHIR type name ('Observation', 'Quantity')."""
    return model_types().get("FHIR." + type_name)


@lru_cache(maxsize=None)
def is_code_binding(type_name: str) -> bool:
    """Enumeration bindings (AdministrativeGender, ...) appear in the model info as their
    own types with a String value; in FHIRPath they are plain ``code``."""
    if type_name in PRIMITIVE_SYSTEM_TYPE:
        return False
    info = fhir_type_info(type_name)
    return bool(info) and info.get("base") == "FHIR.Element" and \
        set(info.get("elements", {})) == {"value"} and \
        info["elements"]["value"][0] == "System.String"


def normal_type(type_name: str) -> str:
    return "code" if is_code_binding(type_name) else type_name


@lru_cache(maxsize=None)
def element_info(type_name: str, element: str) -> Optional[tuple[Any, bool]]:
    """(type or list of choice types, is_list) of ``element`` on ``type_name``, searching
    base types; None when the type has no such element."""
    name: Optional[str] = type_name
    while name:
        info = fhir_type_info(name)
        if info is None:
            return None
        found = info.get("elements", {}).get(element)
        if found is not None:
            t, many = found
            if isinstance(t, list):
                return [_short(x) for x in t], bool(many)
            return _short(t), bool(many)
        base = info.get("base")
        name = _short(base) if base and base.startswith("FHIR.") else None
    return None


@lru_cache(maxsize=None)
def is_choice_suffixed(type_name: str, name: str) -> bool:
    """``valueQuantity`` on Observation: a choice element named with its type suffix,
    which FHIRPath does not allow (navigate ``value`` and use ``ofType``)."""
    for i in range(len(name) - 1, 0, -1):
        if name[i].isupper():
            info = element_info(type_name, name[:i])
            if info is not None and isinstance(info[0], list):
                return True
    return False


@lru_cache(maxsize=None)
def type_ancestors(type_name: str, primitive_bases: bool = False) -> tuple[str, ...]:
    """The type and its bases, most specific first ('Patient', 'DomainResource', ...).
    Primitive specialisations (code of string, url of uri) count only with
    ``primitive_bases``: the FHIRPath R4 suite has ``gender.is(string)`` true but
    ``gender.as(string)`` and ``gender.ofType(string)`` empty."""
    out = [type_name]
    name = type_name
    while True:
        if name in PRIMITIVE_SYSTEM_TYPE and not primitive_bases:
            break
        info = fhir_type_info(name)
        base = info.get("base") if info else None
        if not base or not base.startswith("FHIR."):
            break
        name = _short(base)
        out.append(name)
    return tuple(out)


def is_resource_type(type_name: str) -> bool:
    return "Resource" in type_ancestors(type_name)[1:] or type_name in ("Resource", "DomainResource")


class Node:
    """A FHIR element: its JSON ``value``, FHIR ``type`` (unqualified) and, for primitives,
    the ``_element`` sibling holding ``id``/``extension``."""

    __slots__ = ("value", "type", "meta", "name")

    def __init__(self, value: Any, type_name: str, meta: Optional[dict] = None, name: str = "") -> None:
        self.value = value
        self.type = type_name
        self.meta = meta
        self.name = name

    def __repr__(self) -> str:
        return f"Node({self.type}, {self.value!r})"

    @property
    def is_primitive(self) -> bool:
        return self.type in PRIMITIVE_SYSTEM_TYPE

    def children(self, name: str) -> Iterator["Node"]:
        """Child nodes called ``name`` (choice types resolved by suffix)."""
        v = self.value
        if not isinstance(v, dict):
            if self.meta and name in ("id", "extension"):
                yield from _wrap(self.meta.get(name), None, "string" if name == "id" else "Extension", name)
            return
        info = element_info(self.type, name)
        if info is None:
            if name in v and self.type not in _KNOWN_TYPES:      # unknown type: lenient
                yield from _wrap(v.get(name), v.get("_" + name), None, name)
            return
        t, _many = info
        if isinstance(t, list):
            for choice in t:
                key = name + choice[0].upper() + choice[1:]
                if key in v or "_" + key in v:
                    yield from _wrap(v.get(key), v.get("_" + key), choice, name)
            return
        if name in v or "_" + name in v:
            yield from _wrap(v.get(name), v.get("_" + name), t, name)

    def all_children(self) -> Iterator["Node"]:
        v = self.value
        if isinstance(v, dict):
            for key in v:
                if key.startswith("_") or key == "resourceType":
                    continue
                yield from self._child_for_key(key)
        elif self.meta:
            yield from self.children("extension")

    def _child_for_key(self, key: str) -> Iterator["Node"]:
        v = self.value
        info = element_info(self.type, key)
        if info is not None and not isinstance(info[0], list):
            yield from _wrap(v.get(key), v.get("_" + key), info[0], key)
            return
        # a choice-type key such as valueQuantity
        for i in range(len(key) - 1, 0, -1):
            if key[i].isupper():
                base = key[:i]
                binfo = element_info(self.type, base)
                if binfo is not None and isinstance(binfo[0], list):
                    suffix = key[i:]
                    t = next((c for c in binfo[0] if c[0].upper() + c[1:] == suffix), suffix)
                    yield from _wrap(v.get(key), v.get("_" + key), t, base)
                    return
        yield from _wrap(v.get(key), v.get("_" + key), None, key)


_KNOWN_TYPES: frozenset = frozenset()


def _init_known() -> None:
    global _KNOWN_TYPES
    _KNOWN_TYPES = frozenset(_short(k) for k in model_types())


def _wrap(value: Any, meta: Any, type_name: Optional[str], name: str) -> Iterator[Node]:
    if not _KNOWN_TYPES:
        _init_known()
    if isinstance(value, list) or isinstance(meta, list):
        values = value if isinstance(value, list) else []
        metas = meta if isinstance(meta, list) else []
        n = max(len(values), len(metas))          # either list may be the shorter one
        values = values + [None] * (n - len(values))
        metas = metas + [None] * (n - len(metas))
        for item, item_meta in zip(values, metas):
            if item is None and item_meta is None:
                continue
            yield _node(item, item_meta, type_name, name)
    elif value is not None or meta is not None:
        yield _node(value, meta, type_name, name)


def _node(value: Any, meta: Any, type_name: Optional[str], name: str) -> Node:
    if isinstance(value, dict) and "resourceType" in value:
        type_name = value["resourceType"]
    elif type_name is None:
        type_name = _guess_type(value)
    return Node(value, normal_type(type_name), meta, name)


def _guess_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "decimal"
    if isinstance(value, str):
        return "string"
    return "Element"


def resource_node(resource: dict) -> Node:
    return Node(resource, resource.get("resourceType", "Resource"))
