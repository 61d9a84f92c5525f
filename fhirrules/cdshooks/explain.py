"""Why each rule fired or not, for one patient: the value of every applicability condition
and of the CQL defines it depends on, and for a rule that did not fire the first condition
that was false or null."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from fhirrules.cdshooks.triggers import action_hooks


@dataclass
class ConditionValue:
    expression: str
    language: str
    value: Any = None
    error: str | None = None

    @property
    def holds(self) -> bool:
        return self.error is None and self.value is True


@dataclass
class RuleExplanation:
    rule_id: str
    title: str
    plan: str
    hooks: list[str]
    fired: bool
    conditions: list[ConditionValue] = field(default_factory=list)
    defines: dict[str, Any] = field(default_factory=dict)     # name -> value (or error text)
    error: str | None = None

    @property
    def first_failing(self) -> ConditionValue | None:
        return next((c for c in self.conditions if not c.holds), None)


def rule_ids(plans: Iterable[dict]) -> list[str]:
    return [a["id"] for p in plans for a in p.get("action") or [] if a.get("id")]


def applicability(action: dict) -> list[dict]:
    return [c for c in action.get("condition") or [] if c.get("kind") == "applicability"
            and isinstance(c.get("expression"), dict)]


def describe(value: Any, limit: int = 160) -> str:
    """A value as short readable text: null, booleans, numbers, FHIR resources by id."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and value.get("resourceType"):
        return f"{value['resourceType']}/{value.get('id', '?')}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[] (empty)"
        inner = ", ".join(describe(v, 40) for v in list(value)[:5])
        more = f", … {len(value) - 5} more" if len(value) > 5 else ""
        return _cut(f"[{inner}{more}] ({len(value)})", limit)
    text = None
    for method in ("cql_str",):
        fn = getattr(value, method, None)
        if callable(fn):
            try:
                text = fn()
            except Exception:   # a value type that cannot print itself: fall back to str
                text = None
    if text is None:
        try:
            from fhirrules.fhir.json_values import to_json_value
            converted = to_json_value(value)
            text = str(converted) if not isinstance(converted, (dict, list)) else _json(converted)
        except Exception:
            text = str(value)
    return _cut(text, limit)


def _json(value: Any) -> str:
    import json
    return json.dumps(value, default=str)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def explain_with_kb(kb: Any, plan: dict, record: Any, *, now: Any, parameters: dict,
                    fired_ids: set[str]) -> list[RuleExplanation]:
    """The real implementation over ``fhirrules.reasoning`` (one apply session per plan)."""
    from fhirrules.reasoning.expressions import evaluate_expression
    from fhirrules.reasoning.request import ApplyRequest
    from fhirrules.reasoning.session import ApplySession

    from fhirrules.cdshooks.reasoner import iso_now, patient_id_of
    patient_id = patient_id_of(record)
    session = ApplySession(kb, ApplyRequest(subject=f"Patient/{patient_id}" if patient_id else None,
                                            data=record, now=iso_now(now), parameters=dict(parameters)))
    libraries = plan.get("library") or []
    deps = _DefineGraph(kb, libraries)
    out = []
    for action in plan.get("action") or []:
        explanation = RuleExplanation(action.get("id") or "?", action.get("title") or "",
                                      plan.get("url") or plan.get("id") or "", sorted(action_hooks(action)),
                                      fired=(action.get("id") in fired_ids))
        for cond in applicability(action):
            expr = cond["expression"]
            cv = ConditionValue(expr.get("expression") or "", expr.get("language") or "")
            try:
                cv.value = evaluate_expression(session, expr, libraries)
            except Exception as exc:   # ExpressionError names the define and the CQL error
                cv.error = str(exc).splitlines()[0]
            explanation.conditions.append(cv)
            if cv.language.split(";")[0] in ("text/cql-identifier", "text/cql.identifier", "text/cql-name"):
                for key in deps.dependencies(cv.expression):
                    label = deps.label(key)
                    if label not in explanation.defines:
                        explanation.defines[label] = deps.evaluate(session, key)
        out.append(explanation)
    return out


class _DefineGraph:
    """The defines a define refers to, transitively and across included libraries (from
    the parsed CQL). Names are shown as ``Library.Define`` outside the plan's library."""

    def __init__(self, kb: Any, libraries: list[str]) -> None:
        self.kb = kb
        self.libraries = libraries
        self._graphs: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._resources: dict[str, Any] = {}
        self.main: str | None = None

    def _library(self, name: str | None, ref: str | None = None) -> str | None:
        """Parse a library (by canonical ``ref`` or by name) once; returns its name."""
        try:
            from fhirrules.cql import ast
            from fhirrules.cql.grammar import parse_library

            from fhirrules.cdshooks.data_requirements import iter_nodes
            resource = self.kb.library_resource(ref) if ref else _library_by_name(self.kb, name)
            text = self.kb.library_cql(resource) if resource is not None else None
            if not text:
                return None
            parsed = parse_library(text, source_name=str(ref or name))
        except Exception:   # explanations degrade to conditions only; never fail the command
            return None
        lib_name = parsed.name or name or str(ref)
        if lib_name in self._graphs:
            return lib_name
        self._resources[lib_name] = resource
        graph: dict[str, list[tuple[str, str]]] = {}
        self._graphs[lib_name] = graph
        aliases = {(inc.alias or inc.path.split(".")[-1]): inc.path for inc in parsed.includes}
        local = {s.name for s in parsed.statements if isinstance(s, ast.ExpressionDef)}
        for statement in parsed.statements:
            if not isinstance(statement, ast.ExpressionDef):
                continue
            found: list[tuple[str, str]] = []
            # in source order (the walk itself visits right operands first)
            for node in sorted(iter_nodes(statement.expr), key=lambda n: tuple(getattr(n, "pos", (0, 0)))):
                target = None
                if isinstance(node, ast.Identifier) and node.name in local:
                    target = (lib_name, node.name)
                elif isinstance(node, ast.Member) and isinstance(node.source, ast.Identifier) \
                        and node.source.name in aliases:
                    target = (aliases[node.source.name], node.name)
                if target and target not in found:
                    found.append(target)
            graph[statement.name] = found
        return lib_name

    def dependencies(self, name: str) -> list[tuple[str, str]]:
        if self.main is None and self.libraries:
            self.main = self._library(None, self.libraries[0]) or ""
        if not self.main:
            return []
        order: list[tuple[str, str]] = []
        start = (self.main, name)
        stack = list(reversed(self._graphs.get(self.main, {}).get(name, [])))
        while stack:
            current = stack.pop()
            if current in order or current == start:
                continue
            lib, define = current
            if lib not in self._graphs:
                self._library(lib)
            if define not in self._graphs.get(lib, {}):
                continue            # a function or an unknown name: not a define
            order.append(current)
            stack.extend(reversed(self._graphs[lib][define]))
        return order

    def label(self, key: tuple[str, str]) -> str:
        lib, define = key
        return define if lib == self.main else f"{lib}.{define}"

    def evaluate(self, session: Any, key: tuple[str, str]) -> Any:
        lib, define = key
        try:
            resource = self._resources[lib]
            compiled = self.kb.compiled_library(resource)
            return self.kb.bridge.evaluate_define(compiled, define, session.cql_context(resource, compiled))
        except Exception as exc:
            return _Failed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _library_by_name(kb: Any, name: str | None) -> Any:
    for library in kb.of_type("Library"):
        if library.get("name") == name:
            return library
    return kb.library_resource(name) if name else None


class _Failed:
    def __init__(self, message: str) -> None:
        self.message = message

    def cql_str(self) -> str:
        return f"error: {self.message}"
