"""The project's own strategies (plandefinitions/, libraries/) through ``fhirrules apply``
and the Python API: every PlanDefinition applies to a synthetic patient with valid R4
output, also in the worst case where every action applies."""
from __future__ import annotations

import copy
import json
import sys

import pytest
from typer.testing import CliRunner

from fhirrules.cli.main import app
from fhirrules.reasoning import ApplyRequest, KnowledgeBase, apply_plan_definition, default_knowledge_dirs
from fhirrules.reasoning.runner import parameter_value
from reasoning_validation import assert_valid_r4


@pytest.fixture(scope="module")
def kb(project_root):
    if not any(d.name == "plandefinitions" for d in default_knowledge_dirs()):
        pytest.skip("no plandefinitions/ folder in this checkout")
    kb = KnowledgeBase.load(None, validate=True)
    if kb.problems:
        pytest.skip(f"the knowledge base does not load cleanly yet: {kb.problems[0]}")
    if not kb.of_type("PlanDefinition"):
        pytest.skip("no PlanDefinition in plandefinitions/ yet")
    return kb


@pytest.fixture(scope="module")
def patient_bundle(project_root):
    sys.path.insert(0, str(project_root / "benchmarks"))
    try:
        from synthetic_patients import make_patient_bundle
    finally:
        sys.path.pop(0)
    return make_patient_bundle(200, 7)


def _record(bundle, kb):
    from fhirrules.fhir.sources.bundle import read_bundle
    from fhirrules.fhir.sources.group import group_patients
    [record] = group_patients(read_bundle(bundle), terminology=kb.terminology())
    return record


def _force(actions):
    for a in actions:
        for c in a.get("condition") or []:
            if c.get("kind") == "applicability":
                c["expression"] = {"language": "text/cql-expression", "expression": "true"}
        _force(a.get("action") or [])


def test_every_strategy_applies_with_valid_output(kb, patient_bundle):
    for plan in kb.of_type("PlanDefinition"):
        forced = copy.deepcopy(plan)
        _force(forced.get("action") or [])
        for p in (plan, forced):
            result = apply_plan_definition(kb, p, ApplyRequest(data=_record(patient_bundle, kb),
                                                               now="2025-06-01T00:00:00Z",
                                                               practitioner="Practitioner/dr1"))
            assert_valid_r4(result.as_careplan())
            assert_valid_r4(result.as_bundle())
        # every top-level action applies in the forced run, ActivityDefinitions are built
        assert len(result.request_group.get("action", [])) == len(plan.get("action") or [])


def test_cli_applies_a_strategy_by_id(kb, patient_bundle, tmp_path):
    data = tmp_path / "patient.json"
    data.write_text(json.dumps(patient_bundle))
    plan_id = kb.of_type("PlanDefinition")[0]["id"]
    result = CliRunner().invoke(app, ["apply", plan_id, "--data", str(data), "--now", "2025-06-01T00:00:00Z",
                                      "--enable-ex", "--output", "bundle"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["entry"][0]["resource"]["resourceType"] == "RequestGroup"
    assert_valid_r4(bundle)


def test_parameter_text_is_cql_then_json_then_text(kb):
    plan = kb.of_type("PlanDefinition")[0]
    assert parameter_value(kb, plan, "true") is True
    assert parameter_value(kb, plan, "5") == 5
    assert parameter_value(kb, plan, "plain words") == "plain words"
