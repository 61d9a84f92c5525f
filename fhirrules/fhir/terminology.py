"""Terminology: ValueSets and CodeSystems from files, membership by hashed (system, code).

``Terminology.load(path)`` reads a folder (recursively), a Bundle, or a single ValueSet /
CodeSystem JSON.  A ValueSet is expanded once, on first use:

1. ``expansion.contains`` (nested ``contains`` flattened) when present;
2. otherwise ``compose``: ``include.concept`` lists, whole code systems when the
   CodeSystem is loaded here, other value sets through ``include.valueSet``, minus
   ``exclude``;
3. otherwise, with a ``RemoteTerminology`` configured, the server's ``$expand``
   (``$validate-code`` per code when even that fails).

A value set none of these can expand is reported (``CqlRuntimeError`` naming it and
why), never treated as empty.  Membership is a set lookup of (system, code); a code that
carries a version must match the expansion's version when that has one."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import orjson

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.fhir.expansion import Expansion, Key, intersect, walk_contains
from fhirrules.fhir.helpers import to_code, to_concept
from fhirrules.fhir.terminology_remote import RemoteTerminology
from fhirrules.fhir.values import FhirElement, FhirPrimitive

__all__ = ["Terminology", "RemoteTerminology", "Expansion", "codes_of"]


def codes_of(value: Any) -> list[Code]:
    """Codes held by a Code, Concept, FHIR Coding/CodeableConcept, string, or list."""
    if value is None:
        return []
    if isinstance(value, Code):
        return [value]
    if isinstance(value, Concept):
        return list(value.codes)
    if isinstance(value, FhirElement):
        if "coding" in value.data or value.type == "FHIR.CodeableConcept":
            return to_concept(value).codes
        return [to_code(value)]
    if isinstance(value, FhirPrimitive):
        return [Code(str(value.raw), None)]
    if isinstance(value, str):
        return [Code(value, None)]
    if isinstance(value, list):
        out: list[Code] = []
        for v in value:
            out.extend(codes_of(v))
        return out
    if isinstance(value, dict):
        return [to_code(value)] if "code" in value else to_concept(value).codes
    raise CqlRuntimeError(f"expected a code or concept, found {type(value).__name__}")


def _walk_concepts(concepts: Iterable[dict]) -> Iterator[dict]:
    for c in concepts or ():
        yield c
        yield from _walk_concepts(c.get("concept") or ())


class Terminology:
    """The TerminologyProvider over local ValueSets/CodeSystems (and an optional remote
    server for what is not local)."""

    def __init__(self, remote: Optional["RemoteTerminology"] = None) -> None:
        self.valuesets: dict[str, dict] = {}        # url, url|version, id, oid -> resource
        self.codesystems: dict[str, dict] = {}      # url, url|version -> resource
        self._expansions: dict[int, Expansion] = {}  # id(resource) -> expansion
        self._cs_codes: dict[int, set[str]] = {}       # id(CodeSystem) -> its codes
        self._remote_expansions: dict[str, Expansion | str] = {}
        self.remote = remote
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, *paths: Path | str, remote: Optional["RemoteTerminology"] = None) -> "Terminology":
        term = cls(remote)
        for p in paths:
            term.load_path(Path(p))
        return term

    def load_path(self, path: Path) -> None:
        if path.is_dir():
            for f in sorted(path.rglob("*.json")):
                self._load_file(f)
        elif path.is_file():
            self._load_file(path)
        else:
            raise FileNotFoundError(f"value set path not found: {path}")

    def _load_file(self, path: Path) -> None:
        try:
            data = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as e:
            raise CqlRuntimeError(f"{path}: not valid JSON ({e})") from None
        if isinstance(data, dict):
            self.add(data)

    def add(self, resource: dict) -> None:
        """Add a ValueSet, CodeSystem, or a Bundle of them (other resources ignored)."""
        rt = resource.get("resourceType")
        if rt == "Bundle":
            for entry in resource.get("entry") or ():
                if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                    self.add(entry["resource"])
        elif rt == "ValueSet":
            self._index(self.valuesets, resource)
        elif rt == "CodeSystem":
            self._index(self.codesystems, resource)
        if rt in ("ValueSet", "CodeSystem"):
            # an expansion may compose the new resource, and a replaced resource's id()
            # could be reused by a later object: no cached expansion survives a change
            self._expansions.clear()
            self._cs_codes.clear()

    @staticmethod
    def _index(table: dict, res: dict) -> None:
        url, version = res.get("url"), res.get("version")
        keys = [url, f"{url}|{version}" if url and version else None, res.get("id")]
        if res.get("id"):
            keys.append(f"{res.get('resourceType')}/{res['id']}")
        for ident in res.get("identifier") or ():
            if isinstance(ident, dict) and ident.get("value"):
                keys.append(ident["value"])
        for k in keys:
            if k:
                table[k] = res

    # ------------------------------------------------------------------ expansion
    def find_valueset(self, ref: ValueSetRef | str) -> Optional[dict]:
        vid, version = (ref, None) if isinstance(ref, str) else (ref.id, ref.version)
        if version:
            hit = self.valuesets.get(f"{vid}|{version}")
            if hit is not None:
                return hit
        hit = self.valuesets.get(vid)
        if hit is None and vid.startswith("urn:oid:"):
            hit = self.valuesets.get(vid[8:])
        if hit is None and "/" in vid:
            hit = self.valuesets.get(vid.rstrip("/").rsplit("/", 1)[-1])
        return hit

    def expansion(self, ref: ValueSetRef | str) -> Expansion:
        """The members of a value set; CqlRuntimeError when it cannot be expanded."""
        vs = self.find_valueset(ref)
        vid = ref if isinstance(ref, str) else ref.id
        if vs is not None:
            exp = self._expansions.get(id(vs))
            if exp is None:
                exp = self._expand_local(vs, seen=set())
                self._expansions[id(vs)] = exp
            if not isinstance(exp, str):
                return exp
            reason = exp
        else:
            reason = "not found in the loaded value sets"
        if self.remote is not None:
            cached = self._remote_expansions.get(vid)
            if cached is None:
                try:
                    cached = self.remote.expand(vid, None if isinstance(ref, str) else ref.version)
                except CqlRuntimeError as e:
                    # remembered so that later codes go straight to $validate-code
                    cached = e.message
                self._remote_expansions[vid] = cached
            if isinstance(cached, str):
                raise CqlRuntimeError(f"value set {vid} cannot be expanded: {cached}")
            return cached
        raise CqlRuntimeError(f"value set {vid} cannot be expanded locally: {reason}")

    def _expand_local(self, vs: dict, seen: set[str]) -> Expansion | str:
        """An Expansion, or the reason (str) why this value set cannot be expanded here."""
        exp = Expansion()
        expansion = vs.get("expansion")
        if isinstance(expansion, dict) and expansion.get("contains") is not None:
            walk_contains(expansion["contains"], exp)
            return exp
        compose = vs.get("compose")
        if not isinstance(compose, dict):
            return "it has neither expansion.contains nor compose"
        seen = seen | {vs.get("url") or vs.get("id") or ""}
        for inc in compose.get("include") or ():
            problem = self._apply(inc, exp, seen, include=True)
            if problem:
                return problem
        for exc in compose.get("exclude") or ():
            problem = self._apply(exc, exp, seen, include=False)
            if problem:
                return problem
        return exp

    def _apply(self, rule: dict, exp: Expansion, seen: set[str], include: bool) -> Optional[str]:
        system, version = rule.get("system"), rule.get("version")
        part = Expansion()
        if rule.get("filter"):
            return f"compose filter on {system} needs a terminology server"
        if rule.get("concept"):
            for c in rule["concept"]:
                part.add(system, c.get("code"), version, c.get("display"))
        elif system:
            cs = self.codesystems.get(f"{system}|{version}") if version else None
            cs = cs or self.codesystems.get(system)
            if cs is None or cs.get("content") not in (None, "complete"):
                return f"it includes all of code system {system}, which is not loaded here"
            for c in _walk_concepts(cs.get("concept") or ()):
                part.add(system, c.get("code"), version or cs.get("version"), c.get("display"))
        sets = []
        for url in rule.get("valueSet") or ():
            if url in seen:
                return f"value set {url} includes itself"
            other = self.find_valueset(url)
            if other is None:
                return f"it includes value set {url}, which is not loaded here"
            sub = self._expand_local(other, seen)
            if isinstance(sub, str):
                return f"included value set {url}: {sub}"
            sets.append(sub)
        if sets:
            # FHIR: the value sets of one rule are intersected with each other and with
            # the rule's system/concepts, if it has any
            part = sets[0] if not (rule.get("concept") or system) else intersect(part, sets[0])
            for other_set in sets[1:]:
                part = intersect(part, other_set)
        for (s, c), versions in part.members.items():
            if include:
                for v in versions:
                    exp.add(s, c, v, part.displays.get((s, c)))
            else:
                exp.discard(s, c)
        return None

    # ------------------------------------------------------------------ provider API
    def in_valueset(self, code_or_concept: Any, valueset: ValueSetRef) -> Optional[bool]:
        if code_or_concept is None:
            return False
        codes = codes_of(code_or_concept)
        try:
            exp = self.expansion(valueset)
        except CqlRuntimeError:
            if self.remote is None:
                raise
            return any(self.remote.validate_code(valueset.id, c) for c in codes)
        return any(exp.contains(c.system, c.code, c.version) for c in codes)

    def expand(self, valueset: ValueSetRef) -> list[Code]:
        return self.expansion(valueset).codes()

    def code_keys(self, valueset: ValueSetRef) -> dict[Key, set[Optional[str]]]:
        """Hashed members for retrieves: (system, code) -> versions."""
        return self.expansion(valueset).members

    def in_codesystem(self, code_or_concept: Any, codesystem: CodeSystemRef) -> Optional[bool]:
        if code_or_concept is None:
            return False
        cs = None
        if codesystem.version:
            cs = self.codesystems.get(f"{codesystem.id}|{codesystem.version}")
        cs = cs or self.codesystems.get(codesystem.id)
        codes = codes_of(code_or_concept)
        if cs is None:
            # without the CodeSystem resource, membership is by system URL (and version)
            return any(c.system == codesystem.id and (
                codesystem.version is None or c.version in (None, codesystem.version)) for c in codes)
        if codesystem.version and cs.get("version") not in (None, codesystem.version):
            return False
        known = self._cs_codes.get(id(cs))
        if known is None:       # walked once, not per code tested
            known = self._cs_codes[id(cs)] = {str(c.get("code"))
                                              for c in _walk_concepts(cs.get("concept") or ())}
        return any(c.system == codesystem.id and c.code in known for c in codes)

