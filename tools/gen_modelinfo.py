"""Generate ``fhirrules/fhir/modelinfo_table.json`` from the CQL model info for FHIR 4.0.1.

The model info (``shared/modelinfo/fhir-modelinfo-4.0.1.xml``, the file the reference CQL
translators use) is 3.5 MB of XML with descriptions; the engine needs only the structure:
types, base types, elements with their types and cardinality, choice types, the primary
code path of each retrievable type, patient context relationships and the FHIR -> System
conversions.  This script keeps exactly that, so our retrieves and paths agree with the
reference engines.  Run it again when the model info changes:

    python tools/gen_modelinfo.py [path/to/fhir-modelinfo-4.0.1.xml]
"""
from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{urn:hl7-org:elm-modelinfo:r1}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "modelinfo" / "fhir-modelinfo-4.0.1.xml"
TARGET = ROOT / "fhirrules" / "fhir" / "modelinfo_table.json"


def _named(spec: ET.Element) -> str:
    ns, name = spec.get("namespace"), spec.get("name")
    return f"{ns}.{name}" if ns else name


def _type_of(spec: ET.Element) -> tuple[str | list[str], int]:
    """(type, many) for an elementTypeSpecifier: type is a qualified name or, for a
    choice, the list of qualified names."""
    kind = spec.get(XSI_TYPE)
    if kind == "ListTypeSpecifier":
        if spec.get("elementType"):
            return spec.get("elementType"), 1
        inner = spec.find(f"{NS}elementTypeSpecifier")
        t, _ = _type_of(inner)
        return t, 1
    if kind == "ChoiceTypeSpecifier":
        return [_named(c) for c in spec.findall(f"{NS}choice")], 0
    if kind == "NamedTypeSpecifier":
        return _named(spec), 0
    raise ValueError(f"unexpected type specifier {kind}")


def _element(el: ET.Element) -> list:
    if el.get("elementType"):
        return [el.get("elementType"), 0]
    spec = el.find(f"{NS}elementTypeSpecifier")
    if spec is None:
        spec = el.find(f"{NS}typeSpecifier")
    t, many = _type_of(spec)
    return [t, many]


def _has_element(types: dict, entry: dict, name: str) -> bool:
    while entry is not None:
        if name in entry.get("elements", {}):
            return True
        entry = types.get(entry.get("base"))
    return False


def generate(source: Path) -> dict:
    root = ET.parse(source).getroot()
    types: dict[str, dict] = {}
    for ti in root.findall(f"{NS}typeInfo"):
        name = f"{ti.get('namespace')}.{ti.get('name')}"
        entry: dict = {"base": ti.get("baseType")}
        elements = {e.get("name"): _element(e) for e in ti.findall(f"{NS}element")}
        if elements:
            entry["elements"] = elements
        if ti.get("retrievable") == "true":
            entry["retrievable"] = 1
        if ti.get("primaryCodePath"):
            entry["primaryCodePath"] = ti.get("primaryCodePath")
        rel: dict[str, list[str]] = {}
        for cr in ti.findall(f"{NS}contextRelationship"):
            rel.setdefault(cr.get("context"), []).append(cr.get("relatedKeyElement"))
        if rel:
            entry["contexts"] = rel
        # The relatedKeyElement of a context relationship is a search parameter name
        # (Condition: 'patient'); the element it searches is what ties a resource to its
        # patient (Condition.subject).  Resolve it here, once.
        params = {sp.get("name"): sp.get("path") for sp in ti.findall(f"{NS}search")}
        paths = []
        for key in rel.get("Patient", []):
            path = (params.get(key) or key).split(".where(")[0]
            if path and "(" not in path and path not in paths:
                paths.extend(p for p in path.split(" | ") if p not in paths)
        if paths:
            entry["patientPaths"] = paths
        # FHIR search parameter names by element path, for the server data source
        # (``[Encounter: "X"]`` searches ``type=``, ``[Condition: "X"]`` searches ``code=``).
        search = {s.get("path"): s.get("name") for s in ti.findall(f"{NS}search")
                  if s.get("path") and "(" not in s.get("path")}
        if search:
            entry["search"] = search
        types[name] = entry
    for entry in types.values():
        if "patientPaths" in entry:
            # keep only paths that name real elements ('actor' on Procedure does not)
            entry["patientPaths"] = [p for p in entry["patientPaths"]
                                     if _has_element(types, entry, p.split(".")[0])]
            if not entry["patientPaths"]:
                del entry["patientPaths"]
    contexts = {c.get("name"): {"keyElement": c.get("keyElement"),
                                "type": _named(c.find(f"{NS}contextType")),
                                "birthDateElement": c.get("birthDateElement")}
                for c in root.findall(f"{NS}contextInfo")}
    conversions = {c.get("fromType"): [c.get("functionName"), c.get("toType")]
                   for c in root.findall(f"{NS}conversionInfo")}
    return {"model": root.get("name"), "version": root.get("version"), "url": root.get("url"),
            "patientClassName": root.get("patientClassName"),
            "patientBirthDatePropertyName": root.get("patientBirthDatePropertyName"),
            "types": types, "contexts": contexts, "conversions": conversions}


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        print(f"gen_modelinfo: model info not found: {source}", file=sys.stderr)
        return 2
    table = generate(source)
    TARGET.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {TARGET} ({len(table['types'])} types, {TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
