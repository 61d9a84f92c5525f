"""Lint the knowledge base: what the card pipeline relies on, checked before it goes live.

Checks: every artifact is valid FHIR R4 (fhir.resources R4B) and every CQL library
compiles (both reported by ``KnowledgeBase``), every canonical reference resolves
(PlanDefinition/ActivityDefinition ``library``, ``definitionCanonical``, value sets named
in CQL and in ValueSet ``compose``, included libraries), every rule with an applicability define in
CQL (``define "A.5 Applies"``) is an action of a PlanDefinition, and every rule (top-level
PlanDefinition action) has a unique id, a title under 140 characters, a citation and an
evidence grade."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from fhirrules.cdshooks.cards import EVIDENCE_EXT, SUMMARY_LIMIT

# "A.9-2 Applies": the applicability define of rule A.9-2 (the knowledge's naming convention)
RULE_DEFINE = re.compile(r"^([A-Z0-9]+(?:\.[A-Za-z0-9-]+)+) Applies$")


@dataclass(frozen=True)
class Problem:
    where: str        # file (and location inside it)
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def lint_knowledge(dirs: Iterable[Path]) -> tuple[list[Problem], dict[str, int]]:
    from fhirrules.reasoning.knowledge import KnowledgeBase
    kb = KnowledgeBase.load(list(dirs), validate=True)
    problems = [Problem(*_split(p)) for p in kb.problems]
    problems += _check_references(kb)
    problems += _check_rules(kb)
    problems += _check_cql_references(kb)
    stats = {"PlanDefinition": len(kb.of_type("PlanDefinition")),
             "ActivityDefinition": len(kb.of_type("ActivityDefinition")),
             "Library": len(kb.of_type("Library")), "ValueSet": len(kb.of_type("ValueSet")),
             "CodeSystem": len(kb.of_type("CodeSystem")),
             "rules": sum(len(p.get("action") or []) for p in kb.of_type("PlanDefinition"))}
    return problems, stats


def _split(text: str) -> tuple[str, str]:
    where, sep, message = text.partition(": ")
    return (where, message) if sep else ("knowledge", text)


def _where(kb: Any, resource: dict, location: str = "") -> str:
    origin = kb.origin_of(resource)
    label = f"{resource.get('resourceType')}/{resource.get('id')}"
    base = f"{origin} ({label})" if origin else label
    return f"{base} {location}".strip()


def _check_references(kb: Any) -> list[Problem]:
    problems = []
    for rtype in ("PlanDefinition", "ActivityDefinition"):
        for res in kb.of_type(rtype):
            for i, ref in enumerate(res.get("library") or []):
                if kb.library_resource(ref) is None:
                    problems.append(Problem(_where(kb, res, f"library[{i}]"), f"library {ref} not found"))
            if rtype == "PlanDefinition":
                for path, action in _actions(res.get("action") or [], "action"):
                    ref = action.get("definitionCanonical")
                    if ref and kb.resolve(ref, ("ActivityDefinition", "PlanDefinition", "Questionnaire"),
                                          container=res) is None:
                        problems.append(Problem(_where(kb, res, f"{path}.definitionCanonical"),
                                                f"{ref} not found"))
    for vs in kb.of_type("ValueSet"):
        for i, inc in enumerate((vs.get("compose") or {}).get("include") or []):
            for ref in inc.get("valueSet") or []:
                if kb.resolve(ref, ("ValueSet",)) is None:
                    problems.append(Problem(_where(kb, vs, f"compose.include[{i}].valueSet"), f"{ref} not found"))
    return problems


def _actions(actions: list[dict], prefix: str):
    for i, action in enumerate(actions):
        path = f"{prefix}[{i}]" + (f" ({action['id']})" if action.get("id") else "")
        yield path, action
        yield from _actions(action.get("action") or [], f"{prefix}[{i}].action")


def _check_rules(kb: Any) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for plan in kb.of_type("PlanDefinition"):
        for i, action in enumerate(plan.get("action") or []):
            rule = action.get("id")
            where = _where(kb, plan, f"action[{i}]" + (f" ({rule})" if rule else ""))
            if not rule:
                problems.append(Problem(where, "rule has no id (the rule id of the knowledge spec)"))
            elif rule in seen:
                problems.append(Problem(where, f"rule id {rule} is also used at {seen[rule]}"))
            else:
                seen[rule] = where
            title = action.get("title") or ""
            if not title:
                problems.append(Problem(where, "rule has no title (the card summary)"))
            elif len(title) >= SUMMARY_LIMIT:
                problems.append(Problem(where, f"card summary is {len(title)} characters (must be under {SUMMARY_LIMIT})"))
            docs = action.get("documentation") or []
            if not any(d.get("type") in ("citation", "documentation") for d in docs):
                problems.append(Problem(where, "card has no citation (documentation relatedArtifact)"))
            if not _has_evidence(action):
                problems.append(Problem(where, "card has no evidence grade (cqf-qualityOfEvidence extension)"))
    return problems


def _has_evidence(action: dict) -> bool:
    for ext in action.get("extension") or []:
        if ext.get("url") == EVIDENCE_EXT:
            if any(c.get("code") for c in (ext.get("valueCodeableConcept") or {}).get("coding") or []):
                return True
    return False


def _check_cql_references(kb: Any) -> list[Problem]:
    """Value sets and includes named in CQL must be in the knowledge base."""
    try:
        from fhirrules.cql.grammar import parse_library
    except ImportError:
        return []
    problems = []
    names = {lib.get("name") for lib in kb.of_type("Library")}
    rules = {a.get("id") for p in kb.of_type("PlanDefinition") for a in p.get("action") or []}
    for lib in kb.of_type("Library"):
        text = kb.library_cql(lib)
        if not text:
            continue
        source = str(kb.origin_of(lib) or f"Library/{lib.get('id')}")
        try:
            parsed = parse_library(text, source_name=source)
        except Exception:   # the compile check already reported it with line and column
            continue
        for vs in parsed.valuesets:
            if kb.resolve(vs.id, ("ValueSet",)) is None:
                problems.append(Problem(f"{source}:{vs.pos[0]}:{vs.pos[1]}",
                                        f"valueset \"{vs.name}\" ({vs.id}) not found in the knowledge base"))
        for statement in parsed.statements:
            # a rule's applicability define without a PlanDefinition action never shows a card
            match = RULE_DEFINE.match(getattr(statement, "name", "") or "")
            if match and match.group(1) not in rules and type(statement).__name__ == "ExpressionDef":
                problems.append(Problem(f"{source}:{statement.pos[0]}:{statement.pos[1]}",
                                        f"rule {match.group(1)} has CQL (define \"{statement.name}\") "
                                        f"but no PlanDefinition action"))
        for inc in parsed.includes:
            if inc.path not in names and inc.path != "FHIRHelpers" and kb.library_resource(inc.path) is None:
                problems.append(Problem(f"{source}:{inc.pos[0]}:{inc.pos[1]}",
                                        f"included library {inc.path} not found"))
    return problems
