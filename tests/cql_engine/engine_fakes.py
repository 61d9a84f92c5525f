"""Small fakes and shortcuts for the engine tests: a model provider over plain dicts, a
data provider over a list of resources and a terminology provider over code sets."""
from __future__ import annotations

from typing import Any, Optional

from fhirrules.cql.context import EvaluationContext
from fhirrules.cql.engine import CqlEngine
from fhirrules.cql.types.clinical import Code, Concept, ValueSetRef


def evaluate(expr: str, engine: Optional[CqlEngine] = None, **ctx_kw: Any) -> Any:
    """Evaluate one expression as ``define "X"`` of a System-only library."""
    engine = engine or CqlEngine()
    lib = engine.compile(f"library T\ndefine \"X\":\n{expr}\n")
    return lib.evaluate_define("X", EvaluationContext(**ctx_kw))


class FakeModel:
    """A tiny 'Test' model: resources are dicts with ``resourceType``."""
    name = "FHIR"
    TYPES = {"Patient", "Observation", "Condition", "Quantity", "CodeableConcept", "CodeSystem",
             "CodeSystem.Concept"}

    def __init__(self) -> None:
        self.code_path_requests: list[str] = []

    def known_type(self, name: str) -> bool:
        return (name[5:] if name.startswith("FHIR.") else name) in self.TYPES

    def is_type(self, value: Any, type_name: str) -> Optional[bool]:
        if not isinstance(value, dict):
            return None
        return value.get("resourceType") == (type_name[5:] if type_name.startswith("FHIR.") else type_name)

    def type_name(self, value: Any) -> Optional[str]:
        return f"FHIR.{value['resourceType']}" if isinstance(value, dict) and "resourceType" in value else None

    def get_property(self, value: Any, path: str) -> Any:
        return value.get(path)

    def to_system(self, value: Any) -> Any:
        if isinstance(value, dict) and value.get("resourceType") == "Quantity":
            from decimal import Decimal
            from fhirrules.cql.types.quantity import Quantity
            return Quantity(Decimal(str(value["value"])), value.get("unit", "1"))
        return value

    def create(self, type_name: str, elements: dict) -> Any:
        return {"resourceType": type_name[5:] if type_name.startswith("FHIR.") else type_name, **elements}

    def primary_code_path(self, type_name: str) -> Optional[str]:
        self.code_path_requests.append(type_name)
        return "code"


class FakeData:
    """Records every retrieve call and filters by (system, code) or a value set."""

    def __init__(self, resources: list[dict], terminology: Any = None) -> None:
        self.resources = resources
        self.terminology = terminology
        self.calls: list[dict] = []

    def retrieve(self, data_type: str, *, context: Optional[str], context_value: Any,
                 code_path: Optional[str], codes: Any, date_path: Any = None, date_range: Any = None) -> list:
        self.calls.append(dict(data_type=data_type, context=context, context_value=context_value,
                               code_path=code_path, codes=codes))
        out = [r for r in self.resources if r.get("resourceType") == data_type]
        if codes is None:
            return out
        if isinstance(codes, ValueSetRef):
            return [r for r in out if self.terminology.in_valueset(r[code_path], codes)]
        wanted = {(c.system, c.code) for c in codes}
        return [r for r in out if (r[code_path]["system"], r[code_path]["code"]) in wanted]


class FakeTerminology:
    def __init__(self, valuesets: dict[str, set[tuple[str, str]]]) -> None:
        self.valuesets = valuesets

    def _codes(self, value: Any) -> list[tuple[str, str]]:
        if isinstance(value, Code):
            return [(value.system, value.code)]
        if isinstance(value, Concept):
            return [(c.system, c.code) for c in value.codes]
        if isinstance(value, dict):
            return [(value.get("system"), value.get("code"))]
        return []

    def in_valueset(self, code: Any, vs: ValueSetRef) -> Optional[bool]:
        members = self.valuesets.get(vs.id)
        if members is None:
            return None
        return any(k in members for k in self._codes(code))

    def expand(self, vs: ValueSetRef) -> list[Code]:
        return [Code(c, s) for s, c in self.valuesets.get(vs.id, ())]

    def in_codesystem(self, code: Any, cs: Any) -> Optional[bool]:
        return any(s == cs.id for s, _ in self._codes(code))
