"""The seam between the delivery layer and the reasoning layer.

The card pipeline needs four things from below: the PlanDefinitions, ``$apply`` of one of
them for one patient, and a way to turn raw FHIR resources (prefetch, draft orders) into
the patient record the engine reads. ``Reasoner`` names exactly that; ``ReasoningAdapter``
implements it over ``fhirrules.reasoning`` and ``fhirrules.fhir`` (imported lazily so the
service and CLI import even while those packages are being built), and tests implement it
with small fakes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, runtime_checkable


class KnowledgeUnavailable(RuntimeError):
    """The reasoning layer cannot be loaded or used (missing package, bad knowledge)."""


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
    """A patient's resources, used only when the FHIR binding offers no record type."""
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
    if value is None or isinstance(value, (dict, list, str, int, float, bool)):
        return value
    for method in ("model_dump", "dict"):
        fn = getattr(value, method, None)
        if callable(fn):
            try:
                return fn(mode="json", exclude_none=True) if method == "model_dump" else fn()
            except TypeError:
                return fn()
    raise KnowledgeUnavailable(f"cannot turn {type(value).__name__} into FHIR JSON")


class ReasoningAdapter:
    """``Reasoner`` over ``fhirrules.reasoning.KnowledgeBase`` and ``apply_plan_definition``."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    # -- knowledge -------------------------------------------------------------------
    def plan_definitions(self) -> list[dict]:
        of_type = getattr(self.kb, "of_type", None)
        if callable(of_type):
            return _unique_plans([to_json(p) for p in of_type("PlanDefinition")])
        for name in ("plan_definitions", "plandefinitions", "plans"):
            value = getattr(self.kb, name, None)
            if callable(value):
                value = value()
            if value is not None:
                items = value.values() if isinstance(value, dict) else value
                plans = [to_json(p) for p in items]
                return _unique_plans(plans)
        resources = getattr(self.kb, "resources_of_type", None)
        if callable(resources):
            return _unique_plans([to_json(p) for p in resources("PlanDefinition")])
        raise KnowledgeUnavailable("the knowledge base exposes no PlanDefinitions")

    def library_texts(self, plan: dict) -> list[tuple[str, str]]:
        """(source name, CQL text) of the libraries ``plan`` names, for data requirements."""
        out = []
        finder = getattr(self.kb, "library_resource", None)
        reader = getattr(self.kb, "library_cql", None)
        if not callable(finder) or not callable(reader):
            return out
        for ref in plan.get("library") or []:
            library = finder(ref)
            text = reader(library) if library is not None else None
            if text:
                out.append((ref, text))
        return out

    def library_text_by_name(self, name: str, version: str | None = None) -> str | None:
        finder = getattr(self.kb, "library_resource", None)
        reader = getattr(self.kb, "library_cql", None)
        of_type = getattr(self.kb, "of_type", None)
        if callable(of_type) and callable(reader):
            for library in of_type("Library"):
                if library.get("name") == name and (version is None or library.get("version") in (None, version)):
                    return reader(library)
        if callable(finder) and callable(reader):
            library = finder(f"{name}|{version}" if version else name)
            return reader(library) if library is not None else None
        return None

    # -- $apply -------------------------------------------------------------------------
    def apply(self, plan: dict, record: Any, *, now: Any, parameters: dict) -> AppliedPlan:
        try:
            from fhirrules.reasoning.apply import apply_plan_definition
            from fhirrules.reasoning.request import ApplyRequest
        except ImportError as exc:   # the reasoning layer is not there yet
            raise KnowledgeUnavailable(f"$apply is not available: {exc}") from exc
        patient_id = _patient_id(record)
        request = ApplyRequest(subject=f"Patient/{patient_id}" if patient_id else None, data=record,
                               now=iso_now(now), parameters=dict(parameters))
        return applied_from_result(apply_plan_definition(self.kb, plan, request))

    def explain(self, plan: dict, record: Any, *, now: Any, parameters: dict,
                fired_ids: set[str]) -> list:
        from fhirrules.cdshooks.explain import explain_with_kb
        return explain_with_kb(self.kb, plan, record, now=now, parameters=parameters, fired_ids=fired_ids)

    # -- data ---------------------------------------------------------------------------
    def record_from_resources(self, resources: list[dict], patient_id: str | None = None) -> Any:
        try:
            from fhirrules.fhir.record import PatientRecord
        except ImportError:
            return SimpleRecord(list(resources), patient_id)
        return PatientRecord(resources, terminology=self.terminology(), source="prefetch")

    def terminology(self) -> Any:
        fn = getattr(self.kb, "terminology", None)
        return fn() if callable(fn) else None

    def load_patients(self, path: Path) -> Iterable[Any]:
        """Patient records from a file or folder, read by the FHIR binding."""
        from fhirrules.fhir.sources.load import load_patients
        return load_patients(path, terminology=self.terminology())

    def add_resources(self, record: Any, resources: list[dict]) -> Any:
        if not resources:
            return record
        if isinstance(record, SimpleRecord):
            return SimpleRecord(record.resources + list(resources), record.patient_id)
        for name in ("with_resources", "extended"):
            fn = getattr(record, name, None)
            if callable(fn):
                return fn(resources)
        add = getattr(record, "add", None)
        if callable(add):
            for res in resources:
                add(res)
            return record
        existing = getattr(record, "resources", None)
        if isinstance(existing, list):
            return self.record_from_resources(list(existing) + list(resources),
                                              _patient_id(record))
        raise KnowledgeUnavailable("cannot add draft orders to this patient record")


def applied_from_result(result: Any) -> AppliedPlan:
    """Accept ``ApplyResult`` (``request_group`` + ``resources``) or its ``as_bundle()``."""
    group = getattr(result, "request_group", None)
    if group is not None:
        resources = [to_json(r) for r in (getattr(result, "resources", None) or [])]
        return AppliedPlan(to_json(group), index_resources(resources))
    as_bundle = getattr(result, "as_bundle", None)
    bundle = to_json(as_bundle() if callable(as_bundle) else result)
    entries = [e.get("resource") for e in (bundle or {}).get("entry") or [] if e.get("resource")]
    groups = [r for r in entries if r.get("resourceType") == "RequestGroup"]
    if not groups:
        raise KnowledgeUnavailable("$apply returned no RequestGroup")
    return AppliedPlan(groups[0], index_resources(entries))


def _unique_plans(plans: list[dict]) -> list[dict]:
    """The KB may index a plan both by url and by id: keep each once."""
    seen, out = set(), []
    for plan in plans:
        key = (plan.get("url"), plan.get("version"), plan.get("id"))
        if key not in seen:
            seen.add(key)
            out.append(plan)
    return out


def _patient_id(record: Any) -> str | None:
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
    """The built-in knowledge folders (the reasoning layer owns the search)."""
    try:
        from fhirrules.reasoning.knowledge import default_knowledge_dirs as found
    except ImportError:
        return _repo_knowledge_dirs()
    return list(found())


def _repo_knowledge_dirs() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return [root / name for name in ("plandefinitions", "libraries", "valuesets")
            if (root / name).is_dir()]


def load_reasoner(extra_dirs: Iterable[Path] = (), *, knowledge_only: bool = False) -> Reasoner:
    """Load (and compile) the knowledge base once: built-in folders plus ``extra_dirs``."""
    dirs = [Path(d) for d in extra_dirs]
    if not knowledge_only:
        dirs = default_knowledge_dirs() + dirs
    try:
        from fhirrules.reasoning.knowledge import KnowledgeBase
    except ImportError as exc:
        raise KnowledgeUnavailable(f"the knowledge base loader is not available: {exc}") from exc
    return ReasoningAdapter(KnowledgeBase.load(dirs))
