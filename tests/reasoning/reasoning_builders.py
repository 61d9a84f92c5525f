"""Small knowledge artifacts for the behaviour tests, built in code so each test shows
exactly the input it exercises."""
from __future__ import annotations

import base64
from typing import Any

from fhirrules.reasoning.knowledge import KnowledgeBase
from reasoning_fakes import FakeBridge

LIB_URL = "http://example.org/Library/Rules"
PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-01-01"}


def library(cql: str, url: str = LIB_URL, name: str = "Rules", version: str = "1.0.0") -> dict:
    return {"resourceType": "Library", "id": name, "url": url, "name": name, "version": version,
            "status": "active", "type": {"coding": [{"code": "logic-library"}]},
            "content": [{"contentType": "text/cql",
                         "data": base64.b64encode(cql.encode()).decode()}]}


def cql(*defines: str, name: str = "Rules") -> str:
    return f"library {name} version '1.0.0'\nusing FHIR version '4.0.1'\ncontext Patient\n" + "\n".join(defines)


def plan(actions: list[dict], pid: str = "plan", **extra: Any) -> dict:
    out = {"resourceType": "PlanDefinition", "id": pid, "url": f"http://example.org/PlanDefinition/{pid}",
           "status": "active", "library": [LIB_URL], "action": actions}
    out.update(extra)
    return out


def applicability(name: str, language: str = "text/cql-identifier") -> dict:
    return {"kind": "applicability", "expression": {"language": language, "expression": name}}


def kb_of(*resources: dict, python_defines: dict | None = None) -> KnowledgeBase:
    kb = KnowledgeBase(FakeBridge(python_defines))
    for r in resources:
        kb.add_resource(r)
    kb.compile_all()
    assert kb.problems == []
    return kb
