"""The library manager: finds libraries by name and version (library paths, in-memory
registrations, native libraries), compiles each distinct text once (cache keyed by the
content hash) and resolves ``include`` declarations while compiling."""
from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Protocol

from fhirrules.cql import ast
from fhirrules.cql.compile_result import CompiledLibrary, NativeLibrary
from fhirrules.cql.errors import CqlError, CqlSemanticError


class LibraryResolver(Protocol):
    def resolve(self, name: str, version: Optional[str]) -> Optional[str]:
        """The CQL text of library ``name`` (at ``version`` when given), or None."""


_HEADER = re.compile(r"^\s*library\s+(?:\"([^\"]+)\"|([\w.]+))(?:\s+version\s+'([^']*)')?", re.M)


def library_header(text: str) -> tuple[Optional[str], Optional[str]]:
    """(name, version) from a CQL text's ``library`` declaration, without parsing."""
    m = _HEADER.search(_strip_comments(text[:4000]))
    if not m:
        return None, None
    return (m.group(1) or m.group(2)), m.group(3)


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def cql_from_fhir_library(resource: dict, where: str = "Library") -> Optional[str]:
    """The ``text/cql`` content of a FHIR Library resource (inline base64), or None.
    Content that is not valid base64 UTF-8 is a CqlSemanticError, not a decoding crash."""
    content = resource.get("content") if isinstance(resource, dict) else None
    for att in content if isinstance(content, list) else []:
        if not isinstance(att, dict) or not isinstance(att.get("contentType"), str):
            continue
        if att["contentType"].split(";")[0].strip() == "text/cql" and att.get("data"):
            try:
                return base64.b64decode(att["data"]).decode("utf-8")
            except (ValueError, TypeError):     # binascii.Error and UnicodeDecodeError
                raise CqlSemanticError(f"{where}: text/cql content is not base64-encoded "
                                       "UTF-8") from None
    return None


class PathResolver:
    """Looks in folders for ``Name.cql``, ``Name-version.cql``, any ``.cql`` declaring the
    library, and FHIR Library JSON resources carrying ``text/cql`` content."""

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]
        self._index: Optional[dict[tuple[str, Optional[str]], str]] = None

    def resolve(self, name: str, version: Optional[str]) -> Optional[str]:
        short = name.split(".")[-1]
        for d in self.paths:
            names = ([f"{name}-{version}.cql", f"{short}-{version}.cql"] if version else []) \
                + [f"{name}.cql", f"{short}.cql"]
            for fname in names:
                f = d / fname
                if f.is_file():
                    text = f.read_text(encoding="utf-8")
                    found_name, found_version = library_header(text)
                    if version is None or found_version in (None, version):
                        return text
        index = self._scan()
        for key in ((name, version), (short, version)) if version else ():
            if key in index:
                return index[key]
        for (n, v), text in index.items():
            if n in (name, short) and (version is None or v is None):
                return text
        return None

    def _scan(self) -> dict[tuple[str, Optional[str]], str]:
        if self._index is not None:
            return self._index
        index: dict[tuple[str, Optional[str]], str] = {}
        for d in self.paths:
            if not d.is_dir():
                continue
            for f in sorted(d.rglob("*")):
                if f.suffix == ".cql":
                    text = f.read_text(encoding="utf-8", errors="replace")
                    n, v = library_header(text)
                    if n:
                        index.setdefault((n, v), text)
                elif f.suffix == ".json":
                    try:
                        res = json.loads(f.read_text(encoding="utf-8"))
                    except (ValueError, OSError):
                        continue
                    if not isinstance(res, dict) or res.get("resourceType") != "Library":
                        continue
                    try:
                        text = cql_from_fhir_library(res, str(f))
                    except CqlSemanticError:
                        continue        # like unreadable JSON: not a library we can offer
                    if text:
                        n, v = library_header(text)
                        index.setdefault((n or res.get("name"), v or res.get("version")), text)
        self._index = index
        return index


class LibraryManager:
    """Compiles libraries and resolves includes.  ``models`` maps model names to
    ModelProviders."""

    def __init__(self, paths: Iterable[Path | str] = (), models: Optional[dict[str, Any]] = None,
                 resolvers: Iterable[LibraryResolver] = ()) -> None:
        self.models: dict[str, Any] = dict(models or {})
        self.resolvers: list[LibraryResolver] = [PathResolver(paths)] + list(resolvers)
        self._by_hash: dict[str, CompiledLibrary] = {}
        self._texts: dict[tuple[str, Optional[str]], str] = {}
        self._native: dict[tuple[str, Optional[str]], NativeLibrary] = {}
        self._compiling: list[str] = []
        # one compile at a time per manager: ``_compiling`` (the include stack) and the
        # caches are shared, so concurrent compiles would see each other's includes as
        # cycles.  Re-entrant because includes compile inside a compile.
        self._lock = threading.RLock()

    # ------------------------------------------------------------ registration
    def register_library(self, name: str, version: Optional[str], text: str) -> None:
        self._texts[(name, version)] = text

    def register_native_library(self, name: str, version: Optional[str],
                                functions: Optional[dict[str, Callable]] = None,
                                defines: Optional[dict[str, Any]] = None) -> NativeLibrary:
        lib = NativeLibrary(name, version, functions, defines)
        self._native[(name, version)] = lib
        return lib

    # ------------------------------------------------------------ compile
    def compile(self, text: str, source_name: str = "<cql>") -> CompiledLibrary:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self._by_hash.get(key)
        if cached is not None:
            return cached
        from fhirrules.cql.grammar import parse_library  # type: ignore[attr-defined]
        with self._lock:
            cached = self._by_hash.get(key)     # another thread may have just compiled it
            if cached is not None:
                return cached
            tree = parse_library(text, source_name)
            lib = self.compile_ast(tree, text)
            self._by_hash[key] = lib
            return lib

    def compile_ast(self, tree: ast.Library, text: Optional[str] = None) -> CompiledLibrary:
        from fhirrules.cql.compiler import Compiler
        label = tree.name or tree.source_name
        with self._lock:
            if label in self._compiling:
                raise CqlSemanticError("circular include: " + " -> ".join(self._compiling + [label]),
                                       source_name=tree.source_name)
            self._compiling.append(label)
            try:
                return Compiler(tree, text, self.models, self.resolve_include).compile()
            except RecursionError:
                raise CqlSemanticError("expressions are nested too deeply to compile",
                                       source_name=tree.source_name) from None
            finally:
                self._compiling.pop()

    # ------------------------------------------------------------ includes
    def find_text(self, name: str, version: Optional[str]) -> Optional[str]:
        for r in self.resolvers:
            text = r.resolve(name, version)
            if text is not None:
                return text
        text = self._texts.get((name, version))
        if text is None and version is None:
            text = next((t for (n, _), t in self._texts.items() if n == name), None)
        if text is None and version is not None:
            text = self._texts.get((name, None))
        return text

    def resolve_include(self, inc: ast.IncludeDef) -> Any:
        text = self.find_text(inc.path, inc.version)
        if text is not None:
            lib = self.compile(text, f"{inc.path}.cql")
            if inc.version and lib.version and lib.version != inc.version:
                raise CqlSemanticError(f"library {inc.path} has version '{lib.version}', "
                                       f"not '{inc.version}'", inc.pos[0] or None, inc.pos[1] or None)
            return lib
        native = self._native.get((inc.path, inc.version))
        if native is None:
            native = next((n for (name, _), n in self._native.items() if name == inc.path), None)
        return native

    def get(self, name: str, version: Optional[str] = None) -> Optional[Any]:
        try:
            return self.resolve_include(ast.IncludeDef(path=name, version=version))
        except CqlError:
            raise
