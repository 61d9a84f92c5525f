"""Every test of the CQL conformance suite (cqframework/cql-tests) as one pytest case,
id ``File::group::name``.

Tests that still fail are listed in cql_xfail.txt (``id<TAB>reason``) and run as strict
xfail: a regression fails the build and a fix forces the list to shrink.  Regenerate:
    fhirrules conformance cql --write-xfail tests/conformance/cql_xfail.txt
"""
from __future__ import annotations

from pathlib import Path

import pytest

from fhirrules.conformance.cql_suite import CqlCase, CqlSuiteRunner, load_cases
from fhirrules.conformance.shared import find_shared_dir

SHARED_DIR = find_shared_dir()
SUITE = SHARED_DIR / "conformance" / "cql-tests" / "cql" if SHARED_DIR else None
XFAIL_FILE = Path(__file__).with_name("cql_xfail.txt")


def _xfails() -> dict[str, str]:
    out: dict[str, str] = {}
    if XFAIL_FILE.exists():
        for line in XFAIL_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                test_id, _, reason = line.partition("\t")
                out[test_id.strip()] = reason.strip() or "known failure"
    return out


def _params() -> list:
    if SUITE is None or not SUITE.is_dir():
        return [pytest.param(None, id="cql-suite-absent")]     # the shared_dir fixture skips it
    xfails = _xfails()
    params = []
    for case in load_cases(SUITE):
        marks = ()
        if case.test_id in xfails:
            marks = (pytest.mark.xfail(strict=True, reason=xfails[case.test_id]),)
        params.append(pytest.param(case, id=case.test_id, marks=marks))
    return params


_runner: list[CqlSuiteRunner] = []


def _get_runner() -> CqlSuiteRunner:
    if not _runner:
        _runner.append(CqlSuiteRunner())
    return _runner[0]


@pytest.mark.shared
@pytest.mark.parametrize("case", _params())
def test_cql_conformance(case: CqlCase, shared_dir: Path) -> None:
    if case is None:
        pytest.skip(f"no cql-tests suite under {shared_dir}")
    result = _get_runner().run_case(case)
    assert result.status == "passed", (
        f"{case.expression!r}: expected {result.expected}, got {result.actual} ({result.error})")


def test_xfail_list_names_real_tests(shared_dir: Path) -> None:
    """Every id in cql_xfail.txt must name a test of the suite (no stale entries)."""
    if SUITE is None or not SUITE.is_dir():
        pytest.skip(f"no cql-tests suite under {shared_dir}")
    ids = {c.test_id for c in load_cases(SUITE)}
    stale = sorted(set(_xfails()) - ids)
    assert not stale, f"cql_xfail.txt lists unknown tests: {stale[:5]}"
