"""``$apply`` from files: what ``fhirrules apply`` does, as one function for callers.

    apply_from_paths("plandefinitions/gpa.json", "examples/S01.json",
                     subject="Patient/S01", now="2025-06-01T00:00:00Z",
                     parameters={"Enable EX Rules": "true"}, output="careplan") -> dict

``plan`` is a PlanDefinition file, or an id / canonical ``url|version`` found in the
knowledge folders (default ``default_knowledge_dirs()``).  ``data`` is any source
``load_patients`` reads (Bundle, NDJSON, folder, FHIR server URL).  Parameter values are
text: a CQL literal or expression evaluated in the plan's library, else JSON, else the
text itself.  Bad input raises ``ReasoningError`` (one readable line)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import orjson

from fhirrules.reasoning.apply import apply_plan_definition
from fhirrules.reasoning.data import iter_resources
from fhirrules.reasoning.errors import ApplyInputError, KnowledgeError, ReasoningError
from fhirrules.reasoning.knowledge import KnowledgeBase, default_knowledge_dirs
from fhirrules.reasoning.output import ApplyResult
from fhirrules.reasoning.request import ApplyRequest


def load_knowledge(plan: str, knowledge_dirs: Sequence[Path] | None) -> tuple[KnowledgeBase, str | dict]:
    """The knowledge base and the plan reference (a file's PlanDefinition is added to it)."""
    dirs = list(knowledge_dirs) if knowledge_dirs else default_knowledge_dirs()
    for d in dirs:
        if not Path(d).exists():
            raise KnowledgeError(f"knowledge folder not found: {d}")
    kb = KnowledgeBase.load(dirs, compile=False)
    path = Path(plan)
    if path.is_file():
        kb.add_path(path)
        here = path.resolve()
        plans = [a.resource for a in kb.artifacts
                 if a.type == "PlanDefinition" and a.origin is not None and a.origin.resolve() == here]
        if not plans:
            raise KnowledgeError(f"{path}: no PlanDefinition in this file")
        return kb, plans[0]
    kb.plan_definition(plan)   # raises KnowledgeError naming the reference
    return kb, plan


def load_record(data: str, subject: str | None, terminology: Any, token: str | None = None) -> Any:
    try:
        from fhirrules.fhir.sources.load import load_patients
    except ImportError:
        from fhirrules.reasoning.data import ResourceData
        return ResourceData(iter_resources(orjson.loads(Path(data).read_bytes())))
    wanted = subject.split("/")[-1] if subject else None
    try:
        ids = [wanted] if wanted and data.startswith(("http://", "https://")) else []
        records = list(load_patients(data, terminology=terminology, token=token, patient_ids=ids))
    except Exception as exc:  # FhirSourceError, OSError, bad JSON: one line for the user
        raise ApplyInputError(f"cannot read --data {data}: {str(exc).splitlines()[0]}") from exc
    if not records:
        raise ApplyInputError(f"no patient data found in {data}")
    if wanted is None:
        if len(records) > 1:
            raise ApplyInputError(f"{data} holds {len(records)} patients: name one with --subject")
        return records[0]
    for r in records:
        if getattr(r, "patient_id", None) in (wanted, f"Patient/{wanted}"):
            return r
    raise ApplyInputError(f"Patient/{wanted} is not in {data}")


def parameter_value(kb: KnowledgeBase, plan: dict, text: str) -> Any:
    """A ``--param`` value: CQL in the plan's library context, else JSON, else text."""
    libraries = [kb.library_resource(ref) for ref in plan.get("library") or ()]
    library = next((lib for lib in libraries if lib is not None), None)
    try:
        compiled = kb.compiled_library(library) if library is not None else None
        fn = kb.compiled_expression(text, compiled)
        ctx = kb.bridge.new_context(data=None, terminology=None, parameters={}, now=None, patient=None)
        return fn(ctx)
    except Exception:  # not CQL (or no engine): fall back to JSON, then to the bare text
        pass
    try:
        from fhirrules.fhir.runner import json_to_cql
        return json_to_cql(orjson.loads(text))
    except Exception:
        return text


def apply_from_paths(plan: str, data: str | None, *, subject: str | None = None,
                     encounter: str | None = None, practitioner: str | None = None,
                     organization: str | None = None,
                     knowledge_dirs: Sequence[Path] | None = None, now: str | None = None,
                     parameters: dict[str, str] | None = None, output: str = "careplan",
                     token: str | None = None) -> dict:
    if output not in ("careplan", "bundle"):
        raise ApplyInputError(f"--output must be careplan or bundle, not {output!r}")
    kb, plan_ref = load_knowledge(plan, knowledge_dirs)
    plan_resource = plan_ref if isinstance(plan_ref, dict) else kb.plan_definition(plan_ref)
    record = load_record(data, subject, kb.terminology(), token) if data else None
    params = {name: parameter_value(kb, plan_resource, text) for name, text in (parameters or {}).items()}
    result = apply(kb, plan_resource, ApplyRequest(subject=subject, data=record, now=now, parameters=params,
                                                   encounter=encounter, practitioner=practitioner,
                                                   organization=organization))
    return result.as_careplan() if output == "careplan" else result.as_bundle()


def apply(kb: KnowledgeBase, plan: str | dict, request: ApplyRequest) -> ApplyResult:
    try:
        return apply_plan_definition(kb, plan, request)
    except ReasoningError:
        raise
    except RecursionError as exc:
        raise ApplyInputError("the PlanDefinition nests too deeply") from exc
