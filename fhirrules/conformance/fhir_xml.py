"""FHIR XML -> FHIR JSON, driven by the model table (cardinality, choice types, primitive
JSON kinds).  The FHIRPath suite ships most of its inputs as XML; everything else in
fhirrules reads JSON."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from fhirrules.fhir.fhirpath.nodes import PRIMITIVE_SYSTEM_TYPE, element_info, normal_type

FHIR_NS = "{http://hl7.org/fhir}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"


def _local(tag: str) -> str:
    return tag.split("}", 1)[1] if "}" in tag else tag


def _primitive_json(type_name: str, text: str) -> Any:
    kind = PRIMITIVE_SYSTEM_TYPE.get(type_name)
    if kind == "Boolean":
        return text == "true"
    if kind in ("Integer", "Long"):
        return int(text)
    if kind == "Decimal":
        return Decimal(text)
    return text


def _resolve(parent_type: str, name: str) -> tuple[str, str, bool]:
    """(json key, child type, is_list) for an XML child element called ``name``."""
    info = element_info(parent_type, name)
    if info is not None and not isinstance(info[0], list):
        return name, info[0], info[1]
    for i in range(len(name) - 1, 0, -1):           # choice: valueQuantity
        if name[i].isupper():
            binfo = element_info(parent_type, name[:i])
            if binfo is not None and isinstance(binfo[0], list):
                suffix = name[i:]
                t = next((c for c in binfo[0] if c[0].upper() + c[1:] == suffix), suffix)
                return name, t, False
    return name, "Element", False


def _convert_element(el: ET.Element, type_name: str) -> tuple[Any, Optional[dict]]:
    """(json value, primitive meta '_x' or None)."""
    type_name = normal_type(type_name)
    if type_name == "xhtml" or _local(el.tag) == "div" and el.tag.startswith(XHTML_NS):
        return ET.tostring(el, encoding="unicode").replace(' xmlns:ns0="http://www.w3.org/1999/xhtml"', ""), None
    if type_name in PRIMITIVE_SYSTEM_TYPE:
        meta: dict[str, Any] = {}
        if "id" in el.attrib:
            meta["id"] = el.attrib["id"]
        exts = [_convert_complex(c, "Extension") for c in el if _local(c.tag) == "extension"]
        if exts:
            meta["extension"] = exts
        value = _primitive_json(type_name, el.attrib["value"]) if "value" in el.attrib else None
        return value, (meta or None)
    if type_name in ("Resource", "DomainResource") or _is_resource_wrapper(el, type_name):
        children = list(el)
        return (convert_resource(children[0]) if children else None), None
    return _convert_complex(el, type_name), None


def _is_resource_wrapper(el: ET.Element, type_name: str) -> bool:
    children = list(el)
    return len(children) == 1 and type_name in ("Resource",) and children[0].tag.startswith(FHIR_NS)


def _convert_complex(el: ET.Element, type_name: str) -> dict:
    out: dict[str, Any] = {}
    for attr in ("id", "url"):
        if attr in el.attrib:
            out[attr] = el.attrib[attr]
    for child in el:
        name = _local(child.tag)
        key, child_type, many = _resolve(type_name, name)
        value, meta = _convert_element(child, child_type)
        if many:
            out.setdefault(key, []).append(value)
            if meta is not None or ("_" + key) in out:
                metas = out.setdefault("_" + key, [])
                metas.extend([None] * (len(out[key]) - 1 - len(metas)))
                metas.append(meta)
        else:
            if value is not None:
                out[key] = value
            if meta is not None:
                out["_" + key] = meta
    return out


def convert_resource(el: ET.Element) -> dict:
    rtype = _local(el.tag)
    out = {"resourceType": rtype}
    out.update(_convert_complex(el, rtype))
    return out


def load_fhir_file(path: Path) -> dict:
    """Read a FHIR resource from a .xml or .json file (JSON decimals kept exact)."""
    if path.suffix == ".json":
        import json
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return convert_resource(ET.parse(path).getroot())
