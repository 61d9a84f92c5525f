"""A stand-in CQL engine for the reasoning tests.

It understands just enough CQL to drive ``$apply``: ``define "Name": <literal>`` with
Boolean, null, Integer, Decimal and String literals, ``"Param"`` naming a parameter, and
``Error('msg')`` which fails at run time.  Python callables can be registered as defines
to return System values (Quantity, Code, ...).  Expression texts are compiled the same way.
The real engine replaces it in ``test_golden`` as soon as ``fhirrules.cql.engine`` exists."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable

from fhirrules.cql.errors import CqlRuntimeError, CqlSemanticError

_DEFINE = re.compile(r'^define\s+"([^"]+)"\s*:\s*(.+?)\s*$', re.M)
_LIBRARY = re.compile(r"^library\s+(\w+)", re.M)


class FakeLibrary:
    def __init__(self, name: str, defines: dict[str, Callable[[Any], Any]]) -> None:
        self.name = name
        self.defines = defines
        self.define_names = list(defines)
        self.evaluations = 0


def compile_literal(text: str) -> Callable[[Any], Any]:
    text = text.strip()
    if text in ("true", "false"):
        return lambda ctx, v=(text == "true"): v
    if text == "null":
        return lambda ctx: None
    if re.fullmatch(r"-?\d+", text):
        return lambda ctx, v=int(text): v
    if re.fullmatch(r"-?\d+\.\d+", text):
        return lambda ctx, v=Decimal(text): v
    m = re.fullmatch(r"'((?:[^'\\]|\\.)*)'", text)
    if m:
        return lambda ctx, v=m.group(1): v
    m = re.fullmatch(r"Error\('([^']*)'\)", text)
    if m:
        def fail(ctx: Any, msg: str = m.group(1)) -> Any:
            raise CqlRuntimeError(msg, 1, 1, "fake.cql")
        return fail
    m = re.fullmatch(r'"([^"]+)"', text)
    if m:
        return lambda ctx, n=m.group(1): ctx["parameters"].get(n)
    raise CqlSemanticError(f"fake engine cannot compile {text!r}", 1, 1, "fake.cql")


class FakeBridge:
    """Implements ``fhirrules.reasoning.cql_bridge.CqlBridge``."""

    def __init__(self, python_defines: dict[str, dict[str, Callable[[Any], Any]]] | None = None) -> None:
        self.python_defines = python_defines or {}
        self.compiled: list[FakeLibrary] = []
        self.registered: list[tuple[str, str | None]] = []
        self.contexts = 0

    def register_library(self, name: str, version: str | None, text: str) -> None:
        self.registered.append((name, version))

    def compile_library(self, text: str, source_name: str) -> FakeLibrary:
        m = _LIBRARY.search(text)
        name = m.group(1) if m else source_name
        defines = {n: compile_literal(body) for n, body in _DEFINE.findall(text)}
        defines.update(self.python_defines.get(name, {}))
        lib = FakeLibrary(name, defines)
        self.compiled.append(lib)
        return lib

    def define_names(self, library: FakeLibrary) -> list[str]:
        return library.define_names

    def new_context(self, *, data: Any, terminology: Any, parameters: dict, now: Any, patient: Any) -> dict:
        self.contexts += 1
        return {"data": data, "parameters": parameters, "now": now, "patient": patient, "memo": {}}

    def evaluate_define(self, library: FakeLibrary, name: str, ctx: dict) -> Any:
        key = (library.name, name)
        if key not in ctx["memo"]:
            library.evaluations += 1
            ctx["memo"][key] = library.defines[name](ctx)
        return ctx["memo"][key]

    def compile_expression(self, text: str, library: Any) -> Callable[[Any], Any]:
        if library is not None and re.fullmatch(r'"[^"]+"', text.strip()) \
                and text.strip().strip('"') in library.defines:
            return lambda ctx, n=text.strip().strip('"'): self.evaluate_define(library, n, ctx)
        return compile_literal(text)
