"""Codes found at a resource's code path, read straight from the JSON (no wrappers):
this is what the per-patient index and retrieve filters hash.

``(system, code)`` pairs are collected from CodeableConcepts (each coding), Codings, bare
``code`` strings and, for references (``MedicationRequest.medicationReference``), from
the referenced resource's own primary code path, resolved through ``resolve``."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from fhirrules.fhir.typeinfo import choice_key, element_info, primary_code_path

Key = tuple[Optional[str], str]


def json_at(resource: dict, path: str) -> list[tuple[Any, str]]:
    """(JSON value, declared type) pairs at ``path`` (dotted, choice-aware) of a resource."""
    current: list[tuple[Any, str]] = [(resource, "FHIR." + resource.get("resourceType", ""))]
    for part in path.split("."):
        nxt: list[tuple[Any, str]] = []
        for node, tname in current:
            if type(node) is not dict:
                continue
            info = element_info(tname, part)
            if info is None:
                if part in node:
                    nxt.extend(_spread(node[part], tname))
                continue
            typ = info[0]
            if type(typ) is tuple:
                for choice in typ:
                    key = choice_key(part, choice)
                    if key in node:
                        nxt.extend(_spread(node[key], choice))
            elif part in node:
                nxt.extend(_spread(node[part], typ))
        current = nxt
        if not current:
            break
    return current


def _spread(value: Any, tname: str) -> list[tuple[Any, str]]:
    if type(value) is list:
        return [(v, tname) for v in value if v is not None]
    return [(value, tname)]


def codes_at(resource: dict, path: str, resolve: Optional[Callable[[str], Optional[dict]]] = None,
             warn: Optional[Callable[[str], None]] = None) -> Iterator[Key]:
    for node, tname in json_at(resource, path):
        yield from _codes_in(node, tname, resolve, warn, resource)


def _key(coding: dict, warn: Optional[Callable[[str], None]], resource: dict) -> Optional[Key]:
    code = coding.get("code")
    if code is None:
        return None
    if type(code) is not str:
        # lenient: a code written as a JSON number compares as its text
        if warn is not None:
            warn(f"{resource.get('resourceType')}/{resource.get('id', '?')}: code {code!r} "
                 "is a JSON number; compared as the string " + repr(str(code)))
        code = str(code)
    return coding.get("system"), code


def _codes_in(node: Any, tname: str, resolve: Any, warn: Any, resource: dict) -> Iterator[Key]:
    if type(node) is str:
        yield None, node
        return
    if type(node) is not dict:
        if node is not None:
            yield None, str(node)
        return
    if "coding" in node:
        for c in node.get("coding") or ():
            if type(c) is dict:
                k = _key(c, warn, resource)
                if k is not None:
                    yield k
    elif "code" in node:
        k = _key(node, warn, resource)
        if k is not None:
            yield k
    elif "reference" in node and resolve is not None:
        target = resolve(node["reference"])
        if target is not None:
            path = primary_code_path(target.get("resourceType", ""))
            if path:
                for t_node, t_name in json_at(target, path):
                    # one hop only: a Medication's code, never its references
                    yield from _codes_in(t_node, t_name, None, warn, target)
