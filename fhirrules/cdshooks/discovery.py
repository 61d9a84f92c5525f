"""CDS Hooks discovery: one service per (PlanDefinition, hook) with prefetch templates
derived from the data requirements of the plan's CQL libraries."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import quote

from fhirrules.cdshooks.data_requirements import DataRequirement, library_requirements
from fhirrules.cdshooks.triggers import plan_for_hook, plan_hooks

log = logging.getLogger("fhirrules.cdshooks.discovery")

MAX_URL_CHARS = 8000
PATIENT_TOKEN = "{{context.patientId}}"
# Resource types not in the patient compartment: they cannot be scoped to the patient, so
# no prefetch template is published for them (the rules still see what arrives).
NON_PATIENT_TYPES = frozenset({"Medication", "Practitioner", "PractitionerRole", "Organization",
                               "Location", "Substance", "ValueSet", "CodeSystem", "Device"})
# The search parameter naming the patient, where it is not 'patient'.
PATIENT_PARAM = {"Patient": "_id"}


@dataclass
class ServiceDefinition:
    id: str
    hook: str
    title: str
    description: str
    plan: dict
    prefetch: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        body: dict[str, Any] = {"id": self.id, "hook": self.hook, "title": self.title,
                                "description": self.description}
        if self.prefetch:
            body["prefetch"] = dict(self.prefetch)
        return body


def service_id(plan: dict, hook: str) -> str:
    return f"{plan.get('id') or plan.get('name') or 'plan'}-{hook}"


def build_services(plans: Iterable[dict], requirements_of: Callable[[dict], list[DataRequirement]],
                   expand: Callable[[str], list[tuple[str, str]] | None] = lambda url: None) -> list[ServiceDefinition]:
    """Service definitions for every hook that triggers actions of each plan."""
    services = []
    for plan in plans:
        try:
            requirements = requirements_of(plan)
        except Exception as exc:   # discovery must stay up; say which plan lost its templates
            log.warning("data requirements of %s unavailable: %s", plan.get("url") or plan.get("id"), exc)
            requirements = []
        templates = prefetch_templates(requirements, expand)
        for hook in plan_hooks(plan):
            if plan_for_hook(plan, hook) is None:
                continue
            title = plan.get("title") or plan.get("name") or plan.get("id") or "fhirrules rules"
            services.append(ServiceDefinition(
                id=service_id(plan, hook), hook=hook, title=f"{title} ({hook})",
                description=plan.get("description") or plan.get("purpose") or title,
                plan=plan, prefetch=templates))
    return services


def prefetch_templates(requirements: Iterable[DataRequirement],
                       expand: Callable[[str], list[tuple[str, str]] | None]) -> dict[str, str]:
    """``{key: query}``: the Patient, then per resource type either everything of that type
    for the patient or the union of the codes filtered on, split so no URL is longer than
    ``MAX_URL_CHARS``."""
    templates = {"patient": f"Patient/{PATIENT_TOKEN}"}
    by_type: dict[str, list[DataRequirement]] = {}
    for req in requirements:
        if req.type == "Patient" or req.type in NON_PATIENT_TYPES:
            continue
        by_type.setdefault(req.type, []).append(req)
    for rtype in sorted(by_type):
        reqs = by_type[rtype]
        base = f"{rtype}?{PATIENT_PARAM.get(rtype, 'patient')}={PATIENT_TOKEN}"
        key = rtype[:1].lower() + rtype[1:]
        if any(r.unfiltered for r in reqs):
            templates[key] = base
            continue
        codes: set[tuple[str, str]] = set()
        unexpanded: list[str] = []
        for req in reqs:
            codes |= req.codes
            if req.valueset:
                expansion = expand(req.valueset)
                if expansion is None:
                    unexpanded.append(req.valueset)
                else:
                    codes |= set(expansion)
        queries = [f"{base}&code={chunk}" for chunk in _code_chunks(sorted(codes), len(base) + 6)]
        queries += [f"{base}&code:in={quote(url, safe=':/')}" for url in sorted(set(unexpanded))]
        for n, query in enumerate(queries, 1):
            templates[key if len(queries) == 1 else f"{key}-{n}"] = query
    return templates


def _code_chunks(codes: list[tuple[str, str]], prefix_len: int) -> list[str]:
    """Comma-joined ``system|code`` tokens, URL-encoded, each chunk fitting the URL limit."""
    chunks, current, length = [], [], prefix_len
    for system, code in codes:
        token = quote(f"{system}|{code}" if system else code, safe=":/.-_")
        extra = len(token) + (1 if current else 0)
        if current and length + extra > MAX_URL_CHARS:
            chunks.append(",".join(current))
            current, length = [], prefix_len
            extra = len(token)
        current.append(token)
        length += extra
    if current:
        chunks.append(",".join(current))
    return chunks


def valueset_expander(valuesets: Iterable[dict]) -> Callable[[str], list[tuple[str, str]] | None]:
    """Codes of the ValueSets we hold (expansion, else an enumerated compose); ``None`` for
    one defined by filters or other value sets, which we cannot list here."""
    table: dict[str, list[tuple[str, str]] | None] = {}
    for vs in valuesets:
        url = vs.get("url")
        if not url:
            continue
        contains = (vs.get("expansion") or {}).get("contains")
        if contains:
            table[url] = [(c.get("system", ""), c["code"]) for c in _flatten(contains) if c.get("code")]
            continue
        codes: list[tuple[str, str]] | None = []
        for inc in (vs.get("compose") or {}).get("include") or []:
            if inc.get("filter") or inc.get("valueSet") or not inc.get("concept"):
                codes = None
                break
            codes.extend((inc.get("system", ""), c["code"]) for c in inc["concept"] if c.get("code"))
        table[url] = codes
    return lambda url: table.get(url.split("|")[0])


def _flatten(contains: list[dict]) -> list[dict]:
    out = []
    for c in contains:
        out.append(c)
        out.extend(_flatten(c.get("contains") or []))
    return out


def reasoner_requirements(reasoner: Any) -> Callable[[dict], list[DataRequirement]]:
    """Data requirements of a plan: the reasoner's own (``data_requirements(plan)``) when
    it offers them, else parsed here from its library texts."""
    own = getattr(reasoner, "data_requirements", None)
    if callable(own):
        return own
    texts_of = getattr(reasoner, "library_texts", None)
    by_name = getattr(reasoner, "library_text_by_name", None)
    if not callable(texts_of):
        return lambda plan: []

    def requirements(plan: dict) -> list[DataRequirement]:
        from fhirrules.cql.grammar import parse_library
        out: list[DataRequirement] = []
        lookup = by_name if callable(by_name) else (lambda name, version: None)
        for source_name, text in texts_of(plan):
            library = parse_library(text, source_name=source_name)
            out.extend(library_requirements(
                library, lookup, lambda t, n: parse_library(t, source_name=n)))
        return out
    return requirements
