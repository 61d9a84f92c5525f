"""The seam between the delivery layer and the reasoning layer.

The card pipeline needs four things from below: the PlanDefinitions, ``$apply`` of one of
them for one patient, and a way to turn raw FHIR resources (prefetch, draft orders) into
the patient record the engine reads. ``Reasoner`` names exactly that; ``ReasoningAdapter``
implements it over ``fhirrules.reasoning`` and ``fhirrules.fhir`` (imported lazily, so
``fhirrules --help`` stays fast), and tests implement it with small fakes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, runtime_checkable


@dataclass
class AppliedPlan:
    """What ``$apply`` produced, as plain FHIR JSON."""
    request_group: dict
    resources: dict[str, dict] = field(default_factory=dict)   # "Type/id" and "#id" -> resource


@runtime_checkable
class Reasoner(Protocol):
    def plan_definitions(self) -> list[dict]: ...

    def apply(self, plan: dict, record: Any, *, now: Any, parameters: dict) -> AppliedPlan: ...

    def record_from_resources(self, resources: list[dict], patient_id: str | None = None) -> Any: ...

    def add_resources(self, record: Any, resources: list[dict]) -> Any: ...


@dataclass
class SimpleRecord:
    """A patient's resources as a plain list: the record of the test fakes."""
    resources: list[dict]
    patient_id: str | None = None

    @property
    def patient(self) -> dict | None:
        return next((r for r in self.resources if r.get("resourceType") == "Patient"), None)


def as_reasoner(kb: Any) -> Reasoner:
    """``kb`` itself when it already speaks ``Reasoner``, else the adapter over it."""
    if isinstance(kb, Reasoner):
        return kb
    return ReasoningAdapter(kb)


def index_resources(resources: Iterable[dict]) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for res in resources:
        if isinstance(res, dict) and res.get("id"):
            index[f"{res.get('resourceType')}/{res['id']}"] = res
            index.setdefault("#" + res["id"], res)
    return index


def to_json(value: Any) -> Any:
    """A FHIR value as plain JSON, whether it is a dict already or a pydantic model."""
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", exclude_none=True) if callable(dump) else value


class ReasoningAdapter:
    """``Reasoner`` over ``fhirrules.reasoning.KnowledgeBase`` and ``apply_plan_definition``."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    # -- knowledge -------------------------------------------------------------------
    def plan_definitions(self) -> list[dict]:
        return _unique_plans(self.kb.of_type("PlanDefinition"))

    def library_texts(self, plan: dict) -> list[tuple[str, str]]:
        """(source name, CQL text) of the libraries ``plan`` names, for data requirements."""
        out = []
        for ref in plan.get("library") or []:
            library = self.kb.library_resource(ref)
            text = self.kb.library_cql(library) if library is not None else None
            if text:
                out.append((ref, text))
        return out

    def library_text_by_name(self, name: str, version: str | None = None) -> str | None:
        for library in self.kb.of_type("Library"):
            if library.get("name") == name and (version is None or library.get("version") in (None, version)):
                return self.kb.library_cql(library)
        library = self.kb.library_resource(f"{name}|{version}" if version else name)
        return self.kb.library_cql(library) if library is not None else None

    # -- $apply -------------------------------------------------------------------------
    def apply(self, plan: dict, record: Any, *, now: Any, parameters: dict) -> AppliedPlan:
        from fhirrules.reasoning.apply import apply_plan_definition
        from fhirrules.reasoning.request import ApplyRequest
        patient_id = patient_id_of(record)
        request = ApplyRequest(subject=f"Patient/{patient_id}" if patient_id else None, data=record,
                               now=iso_now(now), parameters=dict(parameters))
        return applied_from_result(apply_plan_definition(self.kb, plan, request))

    def explain(self, plan: dict, record: Any, *, now: Any, parameters: dict,
                fired_ids: set[str]) -> list:
        from fhirrules.cdshooks.explain import explain_with_kb
        return explain_with_kb(self.kb, plan, record, now=now, parameters=parameters, fired_ids=fired_ids)

    # -- data ---------------------------------------------------------------------------
    def record_from_resources(self, resources: list[dict], patient_id: str | None = None) -> Any:
        from fhirrules.fhir.record import PatientRecord
        return PatientRecord(resources, terminology=self.terminology(), source="prefetch")

    def terminology(self) -> Any:
        fn = getattr(self.kb, "terminology", None)
        return fn() if callable(fn) else None

    def load_patients(self, path: Path) -> Iterable[Any]:
        """Patient records from a file or folder, read by the FHIR binding."""
        from fhirrules.fhir.sources.load import load_patients
        return load_patients(path, terminology=self.terminology())

    def add_resources(self, record: Any, resources: list[dict]) -> Any:
        """Add ``resources`` (draft orders) to the record; the record is changed in place,
        so add them once per record."""
        if isinstance(record, SimpleRecord):
            return SimpleRecord(record.resources + list(resources), record.patient_id)
        for res in resources:
            record.add(res)
        return record


def applied_from_result(result: Any) -> AppliedPlan:
    """``ApplyResult`` (RequestGroup + generated resources) as plain JSON."""
    resources = [to_json(r) for r in (getattr(result, "resources", None) or [])]
    return AppliedPlan(to_json(result.request_group), index_resources(resources))


def _unique_plans(plans: list[dict]) -> list[dict]:
    """The KB may index a plan both by url and by id: keep each once."""
    seen, out = set(), []
    for plan in plans:
        key = (plan.get("url"), plan.get("version"), plan.get("id"))
        if key not in seen:
            seen.add(key)
            out.append(plan)
    return out


def patient_id_of(record: Any) -> str | None:
    for name in ("patient_id", "id"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return value
    patient = getattr(record, "patient", None)
    if isinstance(patient, dict):
        return patient.get("id")
    return None


def iso_now(now: Any) -> Any:
    """``now`` as ISO 8601 text (what ``ApplyRequest.now`` accepts besides a CQL DateTime)."""
    if hasattr(now, "isoformat"):
        text = now.isoformat()
        return text.replace("+00:00", "Z")
    return now


def default_knowledge_dirs() -> list[Path]:
    """The built-in knowledge folders (the reasoning layer owns the search: the repo's
    folders in a checkout, ``fhirrules/_knowledge`` in an installed wheel)."""
    from fhirrules.reasoning.knowledge import default_knowledge_dirs as found
    return list(found())


def load_reasoner(extra_dirs: Iterable[Path] = (), *, knowledge_only: bool = False) -> Reasoner:
    """Load (and compile) the knowledge base once: built-in folders plus ``extra_dirs``."""
    from fhirrules.reasoning.knowledge import KnowledgeBase
    dirs = [Path(d) for d in extra_dirs]
    if not knowledge_only:
        dirs = default_knowledge_dirs() + dirs
    return ReasoningAdapter(KnowledgeBase.load(dirs))
