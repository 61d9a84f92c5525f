"""``fhirrules apply`` on the shared fixtures: JSON out, one-line errors with exit 2."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fhirrules.cli.main import app
from reasoning_golden import compare

pytestmark = pytest.mark.shared
runner = CliRunner()


def _fixture(shared_dir, name):
    return shared_dir / "conformance" / "plandefinition-apply" / name


def _real_engine_or_skip():
    try:
        from fhirrules.reasoning.cql_bridge import EngineBridge
        EngineBridge().compile_library("library P version '1'\ndefine \"T\": true\n", "p.cql")
    except Exception as exc:
        pytest.skip(f"the CQL engine cannot compile a trivial library yet: {str(exc).splitlines()[0]}")


@pytest.mark.parametrize("output,golden", [("careplan", "cds_hooks_multiple_actions_careplan.json"),
                                           ("bundle", "cds_hooks_multiple_actions_bundle.json")])
def test_apply_prints_the_golden_output(shared_dir, output, golden):
    _real_engine_or_skip()
    folder = _fixture(shared_dir, "cds-hooks-multiple-actions")
    result = runner.invoke(app, ["apply", str(folder / "cds_hooks_multiple_actions_plan_definition.json"),
                                 "--data", str(folder / "cds_hooks_multiple_actions_patient_data.json"),
                                 "--knowledge", str(folder), "--output", output,
                                 "--now", "2025-06-01T00:00:00Z", "--param", "Unused=true"])
    assert result.exit_code == 0, result.output
    got, want = compare(json.loads(result.stdout), json.loads((folder / golden).read_text()))
    assert got == want


def test_plan_by_id_from_a_knowledge_folder(shared_dir):
    folder = _fixture(shared_dir, "anc-visit")
    result = runner.invoke(app, ["apply", "AncVisit-PlanDefinition", "--knowledge", str(folder),
                                 "--data", str(folder / "anc_visit_patient.json")])
    assert result.exit_code == 0, result.output
    careplan = json.loads(result.stdout)
    assert careplan["subject"] == {"reference": "Patient/TEST_PATIENT"}
    got, want = compare(careplan, json.loads((folder / "anc_visit_careplan.json").read_text()))
    assert got == want


@pytest.mark.parametrize("args,message", [
    (["nope"], "PlanDefinition not found"),
    (["AncVisit-PlanDefinition", "--data", "/no/such/file.json"], "cannot read --data"),
    (["AncVisit-PlanDefinition", "--output", "xml"], "--output must be careplan or bundle"),
    (["AncVisit-PlanDefinition", "--param", "novalue"], "expected NAME=VALUE"),
    (["AncVisit-PlanDefinition", "--subject", "Patient/x", "--now", "yesterday"], "not a date/time"),
])
def test_bad_input_is_one_line_and_exit_2(shared_dir, args, message):
    folder = _fixture(shared_dir, "anc-visit")
    result = runner.invoke(app, ["apply", *args, "--knowledge", str(folder)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("fhirrules apply:")
