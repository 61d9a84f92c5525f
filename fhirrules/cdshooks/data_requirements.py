"""Data requirements of CQL libraries: which resource types, with which codes, the rules
retrieve. Derived from the parsed AST (``ast.Retrieve`` nodes), following includes, so
discovery can publish prefetch templates that ask for exactly that data."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from fhirrules.cql import ast

# Resolves an included library by (name, version) to its CQL text.
LibraryLookup = Callable[[str, "str | None"], "str | None"]


@dataclass(frozen=True)
class DataRequirement:
    """One retrieve: ``type`` plus, when filtered, the codes or the value set it filters on."""
    type: str
    codes: frozenset[tuple[str, str]] = field(default_factory=frozenset)   # (system, code)
    valueset: str | None = None
    unfiltered: bool = False


def iter_nodes(node: Any) -> Iterator[Any]:
    """Every AST node below ``node`` (dataclass fields, lists and tuples)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (list, tuple)):
            stack.extend(current)
        elif dataclasses.is_dataclass(current) and not isinstance(current, type):
            yield current
            for f in dataclasses.fields(current):
                if f.name != "pos":
                    stack.append(getattr(current, f.name))


class _Scope:
    """Terminology definitions of one library, and its includes by alias."""

    def __init__(self, library: ast.Library, lookup: LibraryLookup, parse: Callable[[str, str], ast.Library],
                 seen: dict[str, "_Scope"]) -> None:
        self.library = library
        self.codesystems = {c.name: c.id for c in library.codesystems}
        self.valuesets = {v.name: v.id for v in library.valuesets}
        self.codes = {c.name: c for c in library.codes}
        self.concepts = {c.name: c for c in library.concepts}
        self.includes: dict[str, _Scope] = {}
        for inc in library.includes:
            alias = inc.alias or inc.path.split(".")[-1]
            key = f"{inc.path}|{inc.version}"
            if key not in seen:
                text = lookup(inc.path, inc.version)
                if text is None:
                    continue        # a built-in such as FHIRHelpers: no retrieves of ours
                seen[key] = None    # type: ignore[assignment]  (guards include cycles)
                seen[key] = _Scope(parse(text, inc.path), lookup, parse, seen)
            if seen[key] is not None:
                self.includes[alias] = seen[key]

    def requirements(self) -> list[DataRequirement]:
        out = []
        for node in iter_nodes(self.library.statements):
            if isinstance(node, ast.Retrieve):
                out.append(self._requirement(node))
        for scope in self.includes.values():
            out.extend(scope.requirements())
        return out

    def _requirement(self, node: ast.Retrieve) -> DataRequirement:
        rtype = node.data_type.name
        term = node.terminology
        if term is None:
            return DataRequirement(rtype, unfiltered=True)
        scope, name = self._target(term)
        if scope is None or name is None:
            return DataRequirement(rtype, unfiltered=True)   # a computed filter: ask for all
        if name in scope.valuesets:
            return DataRequirement(rtype, valueset=scope.valuesets[name])
        codes = scope._codes_of(name)
        if codes:
            return DataRequirement(rtype, codes=frozenset(codes))
        return DataRequirement(rtype, unfiltered=True)

    def _target(self, term: Any) -> tuple["_Scope | None", str | None]:
        if isinstance(term, ast.Identifier):
            return self, term.name
        if isinstance(term, ast.Member) and isinstance(term.source, ast.Identifier):
            return self.includes.get(term.source.name), term.name
        return None, None

    def _codes_of(self, name: str) -> list[tuple[str, str]]:
        if name in self.codes:
            code = self.codes[name]
            scope, system_name = self._target(code.system)
            system = (scope or self).codesystems.get(system_name or "", system_name or "")
            return [(system, code.code)]
        if name in self.concepts:
            out: list[tuple[str, str]] = []
            for expr in self.concepts[name].codes:
                scope, code_name = self._target(expr)
                if scope is not None and code_name:
                    out.extend(scope._codes_of(code_name))
            return out
        return []


def library_requirements(library: ast.Library, lookup: LibraryLookup,
                         parse: Callable[[str, str], ast.Library] | None = None) -> list[DataRequirement]:
    """The retrieves of ``library`` and everything it includes."""
    if parse is None:
        parse = _parser()
    return _Scope(library, lookup, parse, {}).requirements()


def _parser() -> Callable[[str, str], ast.Library]:
    from fhirrules.cql.grammar import parse_library
    return lambda text, name: parse_library(text, source_name=name)
