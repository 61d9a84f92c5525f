"""Loading knowledge: folders, Library CQL sources, canonical resolution, validation."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from fhirrules.reasoning.errors import KnowledgeError
from fhirrules.reasoning.knowledge import KnowledgeBase, default_knowledge_dirs, version_key
from reasoning_fakes import FakeBridge

CQL = "library {name} version '1.0.0'\ncontext Patient\ndefine \"Flag\": {value}\n"


def _lib(name: str, content: dict, version: str = "1.0.0") -> dict:
    return {"resourceType": "Library", "id": name, "url": f"http://example.org/Library/{name}",
            "name": name, "version": version, "status": "active",
            "type": {"coding": [{"code": "logic-library"}]}, "content": [content]}


def _write(path: Path, doc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    inline = base64.b64encode(CQL.format(name="Inline", value="true").encode()).decode()
    _write(tmp_path / "libs" / "Inline.json", _lib("Inline", {"contentType": "text/cql", "data": inline}))
    (tmp_path / "libs" / "cql").mkdir()
    (tmp_path / "libs" / "cql" / "ByUrl.cql").write_text(CQL.format(name="ByUrl", value="false"))
    _write(tmp_path / "libs" / "ByUrl.json", _lib("ByUrl", {"contentType": "text/cql", "url": "cql/ByUrl.cql"}))
    (tmp_path / "libs" / "Beside.cql").write_text(CQL.format(name="Beside", value="null"))
    _write(tmp_path / "libs" / "Beside.json", _lib("Beside", {"contentType": "text/cql"}))
    (tmp_path / "libs" / "Bare.cql").write_text(CQL.format(name="Bare", value="1"))
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "PlanDefinition", "id": "p-old", "url": "http://example.org/PlanDefinition/p",
                      "version": "1.9.0", "status": "active"}},
        {"resource": {"resourceType": "PlanDefinition", "id": "p-new", "url": "http://example.org/PlanDefinition/p",
                      "version": "1.10.0", "status": "active"}},
        {"resource": {"resourceType": "Patient", "id": "ignored"}}]}
    _write(tmp_path / "plans" / "deep" / "plans.json", bundle)
    _write(tmp_path / "vs" / "vs.json", {"resourceType": "ValueSet", "id": "v", "url": "http://example.org/ValueSet/v",
                                         "status": "active"})
    return tmp_path


def test_folders_are_searched_recursively(folder):
    kb = KnowledgeBase.load([folder], bridge=FakeBridge())
    assert kb.problems == []
    assert sorted(a.type for a in kb.artifacts) == ["Library", "Library", "Library", "PlanDefinition",
                                                    "PlanDefinition", "ValueSet"]
    # every library with CQL was compiled at load, once
    assert sorted(lib.name for lib in kb.bridge.compiled) == ["Beside", "ByUrl", "Inline"]


def test_library_cql_sources(folder):
    kb = KnowledgeBase.load([folder], bridge=FakeBridge())
    for name, value in (("Inline", "true"), ("ByUrl", "false"), ("Beside", "null"), ("Bare", "1")):
        lib = kb.library_resource(f"http://example.org/Library/{name}")
        assert lib is not None, name
        assert f'define "Flag": {value}' in kb.library_cql(lib)


def test_canonical_resolution(folder):
    kb = KnowledgeBase.load([folder], bridge=FakeBridge())
    assert kb.plan_definition("http://example.org/PlanDefinition/p")["id"] == "p-new"
    assert kb.plan_definition("http://example.org/PlanDefinition/p|1.9.0")["id"] == "p-old"
    assert kb.plan_definition("p-old")["version"] == "1.9.0"
    assert kb.plan_definition("PlanDefinition/p-new")["version"] == "1.10.0"
    with pytest.raises(KnowledgeError, match="not found"):
        kb.plan_definition("http://example.org/PlanDefinition/p|3")
    assert version_key("1.10.0") > version_key("1.9.0")


def test_validation_is_opt_in_and_reported(folder):
    _write(folder / "bad.json", {"resourceType": "ActivityDefinition", "id": "bad", "status": "active",
                                        "notAnElement": 1})
    assert KnowledgeBase.load([folder], bridge=FakeBridge()).problems == []
    problems = KnowledgeBase.load([folder], bridge=FakeBridge(), validate=True).problems
    assert len(problems) == 1 and "ActivityDefinition/bad" in problems[0] and "not valid FHIR R4" in problems[0]


def test_broken_cql_is_a_problem_not_a_crash(folder):
    (folder / "libs" / "Broken.cql").write_text("library Broken\ndefine \"X\": ???\n")
    _write(folder / "libs" / "Broken.json", _lib("Broken", {"contentType": "text/cql"}))
    kb = KnowledgeBase.load([folder], bridge=FakeBridge())
    assert len(kb.problems) == 1 and "Broken" in kb.problems[0]
    with pytest.raises(KnowledgeError, match="Broken"):
        kb.compiled_library(kb.library_resource("http://example.org/Library/Broken"))


def test_missing_folder_is_a_knowledge_error(tmp_path):
    with pytest.raises(KnowledgeError, match="not found"):
        KnowledgeBase.load([tmp_path / "nope"], bridge=FakeBridge())


def test_default_dirs_are_the_checkout_folders(project_root):
    dirs = default_knowledge_dirs()
    assert dirs and all(d.parent == project_root for d in dirs)
    assert {d.name for d in dirs} <= {"plandefinitions", "libraries"}
