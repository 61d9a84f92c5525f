"""The knowledge base: every artifact ``$apply`` reads, loaded and compiled once.

``KnowledgeBase.load(dirs)`` walks each folder recursively and indexes PlanDefinitions,
ActivityDefinitions, Libraries, Questionnaires, ValueSets and CodeSystems (single
resources or Bundles of them) by canonical ``url``, ``url|version``, ``Type/id`` and
``id``.  A Library's CQL comes from base64 ``content.data``, from ``content.url``
(relative to the Library file) or from a ``Name.cql`` / ``Name-version.cql`` beside it;
a bare ``.cql`` file with no Library resource is still usable through its library name.
Every library is registered with the engine (so includes resolve) and compiled at load
(``compile=True``): the per-request path only evaluates.  Validation against the
fhir.resources R4B models runs only when asked for (``validate=True``, used by the
``check`` command and the tests); its findings and any compile failures are listed in
``kb.problems`` rather than raised, so one broken artifact does not take the service down.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import orjson

from fhirrules.cql.errors import CqlError
from fhirrules.cql.library import cql_from_fhir_library
from fhirrules.reasoning.cql_bridge import CqlBridge, EngineBridge
from fhirrules.reasoning.data import iter_resources
from fhirrules.reasoning.errors import KnowledgeError

KNOWLEDGE_TYPES = ("PlanDefinition", "ActivityDefinition", "Library", "Questionnaire",
                   "ValueSet", "CodeSystem")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent          # fhirrules/
_REPO_DIR = _PACKAGE_DIR.parent


def default_knowledge_dirs() -> list[Path]:
    """The project's own knowledge: ``plandefinitions/`` and ``libraries/`` of a repo
    checkout when present, else the copy packaged in the wheel under ``fhirrules/_knowledge/``."""
    repo = [_REPO_DIR / name for name in ("plandefinitions", "libraries")]
    found = [d for d in repo if d.is_dir()]
    if found:
        return found
    packaged = _PACKAGE_DIR / "_knowledge"
    return [packaged] if packaged.is_dir() else []


def version_key(version: str | None) -> tuple:
    """Order versions numerically where they are numbers ('1.10.0' > '1.9.0')."""
    parts = re.split(r"[.\-]", version or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


@dataclass
class Artifact:
    """One knowledge resource and where it came from (for messages and relative urls)."""
    resource: dict
    origin: Path | None = None

    @property
    def type(self) -> str:
        return self.resource["resourceType"]

    @property
    def id(self) -> str | None:
        return self.resource.get("id")

    @property
    def url(self) -> str | None:
        return self.resource.get("url")

    @property
    def version(self) -> str | None:
        return self.resource.get("version")

    def label(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        return f"{self.type}/{self.id}{where}"


class KnowledgeBase:
    def __init__(self, bridge: CqlBridge | None = None, *, validate: bool = False) -> None:
        self.bridge: CqlBridge = bridge if bridge is not None else EngineBridge()
        self.validate = validate
        self.artifacts: list[Artifact] = []
        self.problems: list[str] = []
        self._by_canonical: dict[str, list[Artifact]] = {}
        self._by_id: dict[tuple[str, str], Artifact] = {}
        self._cql_files: dict[str, Path] = {}          # library name (or name-version) -> .cql file
        self._cql_text: dict[int, str | None] = {}
        self._compiled: dict[int, Any] = {}
        self._compile_errors: dict[int, Exception] = {}
        self._terminology: Any = None
        self._origins: dict[int, Path | None] = {}
        self._loaded_files: set[Path] = set()
        self._expressions: dict[tuple[str, int], Any] = {}
        self._registered = False

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, dirs: Iterable[Path | str] | None = None, *, bridge: CqlBridge | None = None,
             validate: bool = False, compile: bool = True) -> "KnowledgeBase":
        kb = cls(bridge, validate=validate)
        for d in (default_knowledge_dirs() if dirs is None else dirs):
            kb.add_path(Path(d))
        if compile:
            kb.compile_all()
        return kb

    def add_path(self, path: Path) -> None:
        if not path.exists():
            raise KnowledgeError(f"knowledge path not found: {path}")
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if f.suffix == ".cql":
                self._cql_files.setdefault(f.stem, f)
        for f in files:
            if f.suffix == ".json":
                self.add_file(f)

    def add_file(self, path: Path) -> None:
        if path.resolve() in self._loaded_files:   # the same file named twice (dir + file)
            return
        self._loaded_files.add(path.resolve())
        try:
            doc = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            self.problems.append(f"{path}: not readable JSON ({exc})")
            return
        for res in iter_resources(doc):
            if res.get("resourceType") in KNOWLEDGE_TYPES:
                self.add_resource(res, path)

    def add_resource(self, resource: dict, origin: Path | None = None) -> Artifact:
        art = Artifact(resource, origin)
        if self.validate:
            self._validate(art)
        self.artifacts.append(art)
        self._origins[id(resource)] = origin
        if art.url:
            self._by_canonical.setdefault(art.url, []).append(art)
        if art.id:
            self._by_id.setdefault((art.type, art.id), art)
        self._terminology = None
        return art

    def _validate(self, art: Artifact) -> None:
        try:
            from fhir.resources.R4B import get_fhir_model_class
            get_fhir_model_class(art.type).model_validate(art.resource)
        except Exception as exc:  # pydantic's message names every bad element
            first = str(exc).splitlines()
            self.problems.append(f"{art.label()}: not valid FHIR R4: {' '.join(first[:3])}")

    # -------------------------------------------------------------- resolution
    def resolve(self, ref: str, types: Sequence[str] | None = None,
                container: dict | None = None) -> dict | None:
        """Find an artifact by ``#id`` (contained in ``container``), canonical
        ``url|version`` or ``url`` (latest version), ``Type/id`` or bare ``id``."""
        if not ref:
            return None
        if ref.startswith("#"):
            for c in (container or {}).get("contained") or ():
                if c.get("id") == ref[1:] and (types is None or c.get("resourceType") in types):
                    return c
            return None
        url, _, version = ref.partition("|")
        candidates = [a for a in self._by_canonical.get(url, ())
                      if types is None or a.type in types]
        if version:
            candidates = [a for a in candidates if a.version == version]
        if candidates:
            return max(candidates, key=lambda a: version_key(a.version)).resource
        if "/" in ref and not ref.startswith(("http:", "https:", "urn:")):
            rtype, _, rid = ref.partition("/")
            art = self._by_id.get((rtype, rid))
            return art.resource if art and (types is None or rtype in types) else None
        for t in types or KNOWLEDGE_TYPES:
            art = self._by_id.get((t, ref))
            if art:
                return art.resource
        # contained artifacts referenced by their own url (e.g. 'ActivityDefinition/x')
        if container is not None:
            for c in container.get("contained") or ():
                if c.get("url") == url and (types is None or c.get("resourceType") in types):
                    return c
        return None

    def plan_definition(self, ref: str) -> dict:
        found = self.resolve(ref, ("PlanDefinition",))
        if found is None:
            raise KnowledgeError(f"PlanDefinition not found in the knowledge base: {ref}")
        return found

    def origin_of(self, resource: dict) -> Path | None:
        return self._origins.get(id(resource))

    def of_type(self, rtype: str) -> list[dict]:
        return [a.resource for a in self.artifacts if a.type == rtype]

    # ----------------------------------------------------------------- libraries
    def library_resource(self, ref: str) -> dict | None:
        """A Library by canonical/id, or a synthetic one for a bare ``.cql`` file whose
        library name is the last path segment of the canonical."""
        found = self.resolve(ref, ("Library",))
        if found is not None:
            return found
        url, _, version = ref.partition("|")
        name = url.rstrip("/").split("/")[-1]
        path = self._cql_files.get(f"{name}-{version}") or self._cql_files.get(name)
        if path is None:
            return None
        synthetic = {"resourceType": "Library", "id": name, "url": url, "name": name,
                     "status": "active", "type": {"coding": [{"code": "logic-library"}]},
                     "content": [{"contentType": "text/cql", "url": str(path)}]}
        if version:
            synthetic["version"] = version
        return self.add_resource(synthetic, path).resource

    def library_cql(self, library: dict) -> str | None:
        key = id(library)
        if key not in self._cql_text:
            self._cql_text[key] = self._read_cql(library)
        return self._cql_text[key]

    def _read_cql(self, library: dict) -> str | None:
        origin = self.origin_of(library)
        try:        # inline base64 content: one reader for the whole project
            inline = cql_from_fhir_library(library, self._source_name(library))
        except CqlError as exc:
            self.problems.append(exc.message)
            return None
        if inline is not None:
            return inline
        for content in library.get("content") or ():
            if not isinstance(content, dict) or \
                    str(content.get("contentType", "")).split(";")[0].strip() != "text/cql":
                continue
            if content.get("url"):
                path = Path(content["url"])
                if not path.is_absolute() and origin is not None:
                    path = origin.parent / path
                if path.is_file():
                    return path.read_text(encoding="utf-8")
        name, version = library.get("name") or library.get("id"), library.get("version")
        if origin is not None and name:
            for candidate in (f"{name}-{version}.cql", f"{name}.cql"):
                p = origin.parent / candidate
                if p.is_file():
                    return p.read_text(encoding="utf-8")
        if name:
            p = self._cql_files.get(f"{name}-{version}") or self._cql_files.get(name)
            if p is not None:
                return p.read_text(encoding="utf-8")
        return None

    def compiled_library(self, library: dict) -> Any:
        """The compiled form of a Library resource (compiled once, then cached)."""
        key = id(library)
        if key in self._compiled:
            return self._compiled[key]
        if key in self._compile_errors:
            raise KnowledgeError(self._describe(library, self._compile_errors[key]))
        text = self.library_cql(library)
        if text is None:
            raise KnowledgeError(f"Library {library.get('url') or library.get('id')} has no CQL content")
        try:
            self._register_all()
            compiled = self.bridge.compile_library(text, source_name=self._source_name(library))
        except Exception as exc:  # CqlError carries line/col; keep it for the message
            self._compile_errors[key] = exc
            raise KnowledgeError(self._describe(library, exc)) from exc
        self._compiled[key] = compiled
        return compiled

    def compiled_expression(self, text: str, library: Any) -> Any:
        """A ``text/cql-expression`` compiled in the context of ``library`` (cached)."""
        key = (text, id(library))
        if key not in self._expressions:
            self._register_all()
            self._expressions[key] = self.bridge.compile_expression(text, library)
        return self._expressions[key]

    def _register_all(self) -> None:
        """Make every library in the knowledge base includable by name and version."""
        if self._registered:
            return
        self._registered = True
        for lib in self.of_type("Library"):
            text = self.library_cql(lib)
            if text and lib.get("name"):
                self.bridge.register_library(lib["name"], lib.get("version"), text)

    def _source_name(self, library: dict) -> str:
        origin = self.origin_of(library)
        return str(origin) if origin else f"Library/{library.get('id')}"

    @staticmethod
    def _describe(library: dict, exc: Exception) -> str:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"Library {library.get('url') or library.get('id')}: {first}"

    def compile_all(self) -> None:
        for lib in self.of_type("Library"):
            if self.library_cql(lib) is None:
                continue
            try:
                self.compiled_library(lib)
            except KnowledgeError as exc:
                self.problems.append(str(exc))

    # --------------------------------------------------------------- terminology
    def terminology(self) -> Any:
        """A terminology provider over the knowledge base's ValueSets and CodeSystems,
        built by the FHIR binding when it is available (``None`` otherwise)."""
        if self._terminology is None:
            resources = self.of_type("ValueSet") + self.of_type("CodeSystem")
            try:
                from fhirrules.fhir import terminology as term
            except ImportError:
                return None
            provider = term.Terminology()
            for res in resources:
                provider.add(res)
            self._terminology = provider
        return self._terminology
