"""The CQL conformance runner on a small suite of our own: scoring of values and of
error tests, the report, and the ``fhirrules conformance cql`` command."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fhirrules.cli.main import app
from fhirrules.conformance.cql_suite import load_cases, run_suite

SUITE = """<?xml version="1.0" encoding="utf-8"?>
<tests xmlns="http://hl7.org/fhirpath/tests" name="Mini">
  <group name="G">
    <test name="Add"><expression> 1 + 1 </expression><output>2</output></test>
    <test name="WrongType"><expression>2.0</expression><output>2</output></test>
    <test name="Dec"><expression>1.0 / 3</expression><output>0.33333333</output></test>
    <test name="DtPrecision"><expression>DateTime(2014, 1, 1)</expression><output>@2014-01-01T</output></test>
    <test name="DtPrecisionWrong"><expression>DateTime(2014, 1, 1, 0)</expression><output>@2014-01-01T</output></test>
    <test name="List"><expression>{1, null}</expression><output>{1, null}</output></test>
    <test name="Null"><expression>null + 1</expression><output>null</output></test>
    <test name="RunErr"><expression invalid="true">singleton from {1, 2}</expression></test>
    <test name="Semantic"><expression invalid="semantic">Foo</expression></test>
    <test name="SemanticButRuns"><expression invalid="semantic">1</expression></test>
    <test name="Syntax"><expression invalid="syntax">1 +</expression></test>
  </group>
</tests>
"""


def _suite(tmp_path: Path) -> Path:
    d = tmp_path / "suite"
    d.mkdir()
    (d / "Mini.xml").write_text(SUITE)
    return d


def test_scoring(tmp_path: Path) -> None:
    d = _suite(tmp_path)
    assert [c.test_id for c in load_cases(d)][0] == "Mini::G::Add"
    report = run_suite(d)
    status = {r.name: r.status for r in report.results}
    assert status == {"Add": "passed", "WrongType": "failed", "Dec": "passed", "DtPrecision": "passed",
                      "DtPrecisionWrong": "failed", "List": "passed", "Null": "passed", "RunErr": "passed",
                      "Semantic": "passed", "SemanticButRuns": "failed", "Syntax": "passed"}
    assert report.counts() == {"passed": 8, "failed": 3, "skipped": 0}


def test_command_closing_line_json_and_xfail(tmp_path: Path) -> None:
    d = _suite(tmp_path)
    out_json, xfail = tmp_path / "r.json", tmp_path / "x.txt"
    result = CliRunner().invoke(app, ["conformance", "cql", str(d), "--json", str(out_json),
                                      "--write-xfail", str(xfail)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "8 passed, 3 failed, 0 skipped"
    data = json.loads(out_json.read_text())
    assert len(data["results"]) == 11
    assert set(data["results"][0]) >= {"file", "group", "name", "expression", "expected", "actual",
                                       "status", "error"}
    ids = [line.split("\t")[0] for line in xfail.read_text().splitlines() if not line.startswith("#")]
    assert ids == ["Mini::G::WrongType", "Mini::G::DtPrecisionWrong", "Mini::G::SemanticButRuns"]


def test_command_fails_cleanly_on_a_missing_suite(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["conformance", "cql", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_a_runaway_case_fails_instead_of_hanging(monkeypatch) -> None:
    import time
    from fhirrules.conformance import cql_suite

    def never_ends(self, case):        # a case that would run forever, independent of load
        while True:
            time.sleep(0.01)
    monkeypatch.setattr(cql_suite, "TIME_LIMIT", 1)
    monkeypatch.setattr(cql_suite.CqlSuiteRunner, "_run_case", never_ends)
    case = cql_suite.CqlCase("F", "G", "Slow", "Count(expand Interval[1, 100000000])", "true", None)
    result = cql_suite.CqlSuiteRunner().run_case(case)
    assert result.status == "failed" and "timed out" in (result.error or "")
