"""Real public eCQM content on FHIR R4: github.com/cqframework/ecqm-content-r4-2021
(CMS125 breast cancer screening, CMS130 colorectal cancer screening).  Nothing of it is in
this repository: set ``FHIRRULES_ECQM_CONTENT`` to a checkout; skipped otherwise.

Each test case is a folder ``<case>/<ResourceType>/<id>.json`` whose name states the
expected outcome (``neg-ip-*``: not in the initial population; ``denom-*``: in the
denominator, not the numerator; ``denomexcl*``/``exclusion*``: excluded; ``numer-*``: in
the numerator, ``numer-*-FAIL-*``: not).  Where the case carries a MeasureReport its
counts are checked too."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("FHIRRULES_ECQM_CONTENT", "/nonexistent"))
pytestmark = pytest.mark.skipif(not (ROOT / "input" / "cql").is_dir(),
                                reason="set FHIRRULES_ECQM_CONTENT to a checkout of cqframework/ecqm-content-r4-2021")
pytest.importorskip("fhirrules.cql.engine", reason="the CQL engine is not built yet")

from fhirrules.fhir.runner import CqlRunner  # noqa: E402
from fhirrules.fhir.sources.load import load_patients  # noqa: E402
from fhirrules.fhir.terminology import Terminology  # noqa: E402

PERIOD = "Interval[@2021-01-01T00:00:00.000-07:00, @2021-12-31T23:59:59.999-07:00]"
# The content's cases were written for an evaluation at -07:00 (their MeasureReports'
# period offset); data times without an offset take the offset of Now().
NOW = "2022-06-01T00:00:00-07:00"
SUITES = {"BreastCancerScreeningsFHIR": "BreastCancerScreeningsFHIR",
          "ColorectalCancerScreeningsFHIR": "ColorectalCancerScreeningsFHIR",
          "Exam125FHIR": "Exam125FHIR", "Exam130FHIR": "Exam130FHIR"}
POPULATIONS = {"initial-population": "Initial Population", "denominator": "Denominator",
               "denominator-exclusion": "Denominator Exclusions", "numerator": "Numerator"}


def expected_from_name(case: str) -> dict[str, bool]:
    if case.startswith(("neg-ip", "no-ip")):
        return {"Initial Population": False}
    if case.startswith("denomexcl") or case.startswith("exclusion"):
        return {"Initial Population": True, "Denominator Exclusions": True}
    if case.startswith("denom"):
        return {"Initial Population": True, "Denominator": True, "Numerator": False,
                "Denominator Exclusions": False}
    if case.startswith("numer"):
        return {"Initial Population": True, "Numerator": "FAIL" not in case}
    raise ValueError(case)


# Cases whose name contradicts the library they test (checked by hand):
# - *-FAIL-*-TZoffset-07: the result ends 2021-01-01T02:00:00-07:00, inside a Measurement
#   Period starting 2021-01-01T00:00:00-07:00, so CQL puts it in the numerator (the library's
#   own comments call these cases a "PROBLEM");
# - FitDNA-FAIL-category-laboratory: its category is 'laboratory', which is exactly what
#   "Fecal Immunochemical Test DNA Performed" requires.
DISAGREE = {"numer-EXM130-FecalOccult-FAIL-1yr-TZoffset-07", "numer-EXM130-FitDNA-FAIL-3yr-TZoffset-07",
            "numer-EXM130-FitDNA-FAIL-category-laboratory"}


def cases():
    for suite, library in SUITES.items():
        folder = ROOT / "input" / "tests" / suite
        if folder.is_dir():
            for case in sorted(p.name for p in folder.iterdir() if p.is_dir()):
                marks = [pytest.mark.xfail(strict=True, reason="the case name contradicts the library (see DISAGREE)")] \
                    if case in DISAGREE else []
                yield pytest.param(library, folder / case, id=f"{suite}/{case}", marks=marks)


@pytest.fixture(scope="module")
def runners():
    term = Terminology.load(ROOT / "input" / "vocabulary" / "valueset")
    made: dict[str, CqlRunner] = {}

    def get(library: str) -> CqlRunner:
        if library not in made:
            made[library] = CqlRunner(ROOT / "input" / "cql" / f"{library}.cql",
                                      library_paths=[ROOT / "input" / "cql"], terminology=term,
                                      params={"Measurement Period": PERIOD}, now=NOW)
        return made[library]
    return get


@pytest.mark.parametrize("library,case", list(cases()))
def test_case_outcome(runners, library, case):
    runner = runners(library)
    (record,) = load_patients(case, terminology=runner.terminology)
    wanted = expected_from_name(case.name)
    results = runner.evaluate(record, names=list(wanted))
    got = {k: results[k] is True for k in wanted}          # null counts as "not in"
    assert got == wanted
    for report in case.glob("measurereport*.json"):
        mr = json.loads(report.read_text())
        for pop in mr["group"][0]["population"]:
            name = POPULATIONS.get(pop["code"]["coding"][0]["code"])
            if name is not None and name in results:
                assert (results[name] is True) == (pop["count"] == 1), name
