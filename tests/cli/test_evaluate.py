"""`fhirrules evaluate` through the CLI, with the fake reasoner."""
from __future__ import annotations

import json

from cdshooks.fakes import patient_resources
from fhirrules.cli.main import app

from cdshooks.response_schema import assert_valid_response
from .conftest import write_bundle

NOW = ["--now", "2025-03-10T00:00:00Z"]


def _rules(body):
    return [c["source"]["topic"]["code"] for c in body["cards"]]


def test_json_is_one_response_body_per_patient(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    result = runner.invoke(app, ["evaluate", str(folder), "--format", "json", *NOW])
    assert result.exit_code == 0, result.output
    bodies = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(bodies) == 3
    for body in bodies:
        assert_valid_response(body)
    assert [_rules(b) for b in bodies] == [["A.5", "A.10", "A.8-c"], ["A.10", "A.8-c"], []]


def test_order_sign_with_draft_orders(runner, fake_knowledge, patient_files):
    folder, orders = patient_files
    result = runner.invoke(app, ["evaluate", str(folder / "a.json"), "--hook", "order-sign",
                                 "--draft-orders", str(orders), "--format", "json", *NOW])
    assert result.exit_code == 0, result.output
    assert _rules(json.loads(result.stdout)) == ["A.11-a"]


def test_text_and_markdown(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    text = runner.invoke(app, ["evaluate", str(folder / "a.json"), *NOW])
    assert text.exit_code == 0
    assert "CRITICAL" in text.stdout and "Start PJP prophylaxis" in text.stdout
    assert "Refractory AAV summary (001)" in text.stdout and "evidence E3" in text.stdout
    assert "Order TMP-SMX 480 mg daily" in text.stdout
    md = runner.invoke(app, ["evaluate", str(folder / "a.json"), "--format", "markdown", *NOW])
    assert md.exit_code == 0
    assert "### CRITICAL · A.5: Start PJP prophylaxis" in md.stdout
    assert "**Evidence grade:** E3" in md.stdout


def test_out_streams_ndjson_and_broken_file_is_counted(runner, fake_knowledge, patient_files, tmp_path):
    folder, _ = patient_files
    (folder / "broken.json").write_text("{not json")
    out = tmp_path / "out.ndjson"
    result = runner.invoke(app, ["evaluate", str(folder), "--format", "json", "--out", str(out), *NOW])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [l.get("patientId") for l in lines] == ["a", "b", None, "c"]
    assert "not valid JSON" in lines[2]["error"] and lines[2]["source"].endswith("broken.json")
    assert "3 patient(s) evaluated, 1 error(s)" in result.stderr
    assert "A.8-c" in result.stderr     # the summary table


def test_unusable_inputs_give_one_line_and_exit_2(runner, fake_knowledge, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("this is not json")
    no_type = write_bundle(tmp_path / "notype.json", [{"resourceType": "Patient", "id": "p"}, {"id": "x"}])
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [([str(bad)], "bad.json: not valid JSON"),
             ([str(no_type)], "'resourceType' is missing"),
             ([str(empty)], "no patient data files"),
             ([str(tmp_path / "missing.json")], "no such file or folder"),
             ([str(bad), "--hook", "order-dispatch"], "--hook must be one of"),
             ([str(bad), "--now", "yesterday"], "--now 'yesterday' is not an ISO 8601"),
             ([str(bad), "--draft-orders", str(bad)], "not valid JSON")]
    for args, fragment in cases:
        result = runner.invoke(app, ["evaluate", *args])
        assert result.exit_code == 2, (args, result.output)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and lines[0].startswith("fhirrules evaluate: "), (args, result.stderr)
        assert fragment in lines[0], (args, lines[0])


def test_help_shows_an_example(runner):
    result = runner.invoke(app, ["evaluate", "--help"])
    assert result.exit_code == 0 and "Example: fhirrules evaluate" in result.stdout


def test_jobs_in_processes_give_the_same_bodies_in_order(runner, fake_knowledge, patient_files):
    folder, _ = patient_files
    for i in range(5):
        write_bundle(folder / f"z{i}.json", patient_resources(f"z{i}"))
    one = runner.invoke(app, ["evaluate", str(folder), "--format", "json", "--jobs", "1", *NOW])
    two = runner.invoke(app, ["evaluate", str(folder), "--format", "json", "--jobs", "2", *NOW])
    assert one.exit_code == two.exit_code == 0, two.output
    lines = [l for l in one.stdout.splitlines() if l.startswith("{")]
    assert len(lines) == 8 and lines == [l for l in two.stdout.splitlines() if l.startswith("{")]
    assert "8 patient(s) evaluated, 0 error(s)" in two.stderr


def test_ndjson_input(runner, fake_knowledge, tmp_path):
    lines = [json.dumps(r) for r in patient_resources("n1")]
    path = tmp_path / "patients.ndjson"
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["evaluate", str(path), "--format", "json", *NOW])
    assert result.exit_code == 0, result.output
    assert _rules(json.loads(result.stdout)) == ["A.5", "A.10", "A.8-c"]
