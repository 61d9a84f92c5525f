"""`fhirrules explain` through the CLI, with the fake reasoner."""
from __future__ import annotations

import json

from fhirrules.cli.main import app

NOW = ["--now", "2025-03-10T00:00:00Z"]


def test_explain_shows_fired_and_first_failing(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    result = runner.invoke(app, ["explain", str(folder / "b.json"), *NOW])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "A.8-c FIRED" in out
    assert "A.5 did not fire" in out
    assert "first failing condition: No PJP prophylaxis = false" in out
    assert "condition Has GPA = true" in out
    assert "define GPA conditions = [Condition/b-gpa] (1)" in out


def test_explain_one_rule_as_json(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    result = runner.invoke(app, ["explain", str(folder / "c.json"), "--rule", "A.5", "--json", *NOW])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["rule"] == "A.5" and entry["fired"] is False and entry["firstFailing"] == "Has GPA"
    assert entry["conditions"][0] == {"expression": "Has GPA", "value": "false", "error": None}


def test_unknown_rule_is_one_line_exit_2(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    result = runner.invoke(app, ["explain", str(folder / "a.json"), "--rule", "Z.99"])
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "unknown rule 'Z.99'" in lines[0] and "A.5" in lines[0]


def test_broken_inputs(runner, fake_knowledge, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, fragment in [([str(bad)], "not valid JSON"), ([str(empty)], "no patient data files"),
                           ([str(tmp_path / "nope.json")], "no such file")]:
        result = runner.invoke(app, ["explain", *args])
        assert result.exit_code == 2, result.output
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and fragment in lines[0], lines


def test_explain_with_the_real_knowledge(runner, project_root):
    example = project_root / "examples" / "S02-mpa-creatinine-300-umol.json"
    if not example.is_file():
        import pytest
        pytest.skip("examples/S02 not present")
    result = runner.invoke(app, ["explain", str(example), "--rule", "A.9-2", "--json",
                                 "--now", "2025-02-20T12:00:00Z"])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    # creatinine exactly 300 umol/L: the renal PLEX rule must not fire (knowledge spec A.9-2)
    assert entry["fired"] is False and entry["firstFailing"] == entry["conditions"][0]["expression"]
    assert entry["conditions"][0]["value"] == "false"
    assert entry["defines"] and "false" in entry["defines"].values()
