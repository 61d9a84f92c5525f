"""Every test of the HL7 FHIRPath R4 suite as one pytest case.

The tests that still fail are listed in fhirpath_xfail.txt (one id per line with a
reason) and run as strict xfail: a regression fails the build, and a fix forces the
list to shrink.  Regenerate the list with:
    fhirrules conformance fhirpath --write-xfail tests/conformance/fhirpath_xfail.txt
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fhirrules.conformance.shared import find_shared_dir

SHARED_DIR = find_shared_dir()

SUITE = SHARED_DIR / "conformance" / "fhirpath" / "r4" / "tests-fhir-r4.xml" if SHARED_DIR else None
XFAIL_FILE = Path(__file__).with_name("fhirpath_xfail.txt")


def _xfails() -> dict[str, str]:
    out: dict[str, str] = {}
    if XFAIL_FILE.exists():
        for line in XFAIL_FILE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                test_id, _, reason = line.partition("\t")
                out[test_id.strip()] = reason.strip() or "known failure"
    return out


def _cases():
    if SUITE is None or not SUITE.exists():
        return [pytest.param(None, None, marks=pytest.mark.skip(
            reason="shared/conformance/fhirpath not found: set FHIRRULES_SHARED or place shared/ beside the checkout"))]
    xfails = _xfails()
    cases = []
    for group in ET.parse(SUITE).getroot().iter("group"):
        for test in group.findall("test"):
            test_id = f"{SUITE.name}::{group.get('name')}::{test.get('name')}"
            marks = [pytest.mark.xfail(strict=True, reason=xfails[test_id])] if test_id in xfails else []
            cases.append(pytest.param(group.get("name"), test, id=test_id, marks=marks))
    return cases


_INPUTS: dict = {}


@pytest.mark.parametrize("group,test", _cases())
def test_fhirpath_conformance(group, test):
    from fhirrules.conformance.fhirpath_suite import run_test
    result = run_test(test, group, SUITE.parent, _INPUTS, SUITE.name)
    assert result.status == "passed", f"{result.expression!r}: expected {result.expected}, got {result.actual} ({result.error})"
