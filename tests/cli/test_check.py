"""`fhirrules check` on small knowledge folders written by the test."""
from __future__ import annotations

import base64
import copy
import json

import subprocess
import sys

from fhirrules.cli.main import app


def check(*args, cwd):
    """The installed command line in a subprocess, exactly as a rule author runs it."""
    return subprocess.run([sys.executable, "-m", "fhirrules", "check", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)

EVIDENCE = {"url": "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence",
            "valueCodeableConcept": {"coding": [{"system": "http://fhirrules.org/fhir/CodeSystem/evidence-level",
                                                 "code": "E3"}]}}
CQL = """library Tiny version '1.0.0'
using FHIR version '4.0.1'
include FHIRHelpers version '4.0.1' called FHIRHelpers
valueset "Known": 'http://example.org/ValueSet/known'
context Patient
define "Applies": exists [Condition: "Known"]
"""
LIBRARY = {"resourceType": "Library", "id": "tiny", "url": "http://example.org/Library/Tiny", "name": "Tiny",
           "version": "1.0.0", "status": "active",
           "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/library-type", "code": "logic-library"}]},
           "content": [{"contentType": "text/cql", "data": base64.b64encode(CQL.encode()).decode()}]}
VALUESET = {"resourceType": "ValueSet", "id": "known", "url": "http://example.org/ValueSet/known", "status": "active",
            "compose": {"include": [{"system": "http://snomed.info/sct", "concept": [{"code": "195353004"}]}]}}
PLAN = {"resourceType": "PlanDefinition", "id": "tiny-plan", "url": "http://example.org/PlanDefinition/tiny",
        "status": "active", "library": ["http://example.org/Library/Tiny"],
        "action": [{"id": "T.1", "title": "A good rule", "priority": "routine", "extension": [EVIDENCE],
                    "documentation": [{"type": "citation", "citation": "Quoted sentence."}],
                    "trigger": [{"type": "named-event", "name": "patient-view"}],
                    "condition": [{"kind": "applicability",
                                   "expression": {"language": "text/cql-identifier", "expression": "Applies"}}]}]}


def _write(folder, **resources):
    folder.mkdir(exist_ok=True)
    for name, res in resources.items():
        (folder / f"{name}.json").write_text(json.dumps(res))
    return folder


def test_clean_knowledge_passes(runner, tmp_path):
    folder = _write(tmp_path / "kb", library=LIBRARY, valueset=VALUESET, plan=PLAN)
    result = check("--knowledge", str(folder), "--knowledge-only", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "knowledge OK: 1 PlanDefinition" in result.stdout and "1 rules" in result.stdout


def test_each_problem_is_reported_with_its_location(runner, tmp_path):
    plan = copy.deepcopy(PLAN)
    plan["library"].append("http://example.org/Library/Missing")
    plan["action"].append({**copy.deepcopy(PLAN["action"][0]), "title": "x" * 150})       # duplicate id, long
    plan["action"].append({"id": "T.3", "title": "No citation, no evidence", "definitionCanonical": "http://example.org/AD/none"})
    bad_fhir = {"resourceType": "ActivityDefinition", "id": "bad", "status": "active", "bogus": 1, "url": "http://example.org/AD/bad"}
    broken_cql = copy.deepcopy(LIBRARY)
    broken_cql.update(id="broken", url="http://example.org/Library/Broken", name="Broken")
    broken_cql["content"][0]["data"] = base64.b64encode(b"library Broken version '1'\ndefine \"X\": 1 +").decode()
    orphan = copy.deepcopy(LIBRARY)
    orphan.update(id="orphan", url="http://example.org/Library/Orphan", name="Orphan")
    orphan["content"][0]["data"] = base64.b64encode(
        b"library Orphan version '1'\ncontext Patient\ndefine \"T.9 Applies\": true\n").decode()
    folder = _write(tmp_path / "kb", library=LIBRARY, plan=plan, ad=bad_fhir, broken=broken_cql, orphan=orphan)
    result = check("--knowledge", str(folder), "--knowledge-only", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "plan.json (PlanDefinition/tiny-plan) library[1]: library http://example.org/Library/Missing not found" in out
    assert "action[1] (T.1): rule id T.1 is also used at" in out
    assert "action[1] (T.1): card summary is 150 characters" in out
    assert "action[2] (T.3): card has no citation" in out
    assert "action[2] (T.3): card has no evidence grade" in out
    assert "action[2] (T.3).definitionCanonical: http://example.org/AD/none not found" in out
    assert "ActivityDefinition/bad" in out and "not valid FHIR R4" in out
    assert "Broken" in out                       # the CQL that does not compile
    assert 'valueset "Known" (http://example.org/ValueSet/known) not found' in out
    assert 'orphan.json:3:1: rule T.9 has CQL (define "T.9 Applies") but no PlanDefinition action' in out
    assert out.strip().splitlines()[-1].endswith("rules") and "problem(s)" in out.strip().splitlines()[-1]


def test_missing_folder_is_exit_2(runner, tmp_path):
    result = check("--knowledge", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2 and "knowledge folder not found" in result.stderr


def test_help_has_example(runner):
    for command in ("check", "explain", "serve", "feedback", "evaluate"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.stdout, command
