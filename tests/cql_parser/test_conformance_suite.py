"""Every <expression> and <output> of the HL7 CQL conformance suite must parse; the
expressions the suite marks invalid="syntax" must raise CqlSyntaxError.

Deliberate exceptions, checked explicitly rather than skipped:

- tests restricted to older CQL (versionTo below 1.5) may use syntax that 1.5 removed
  (we still read the 1.3 ``timezone from``, so today none is rejected);
- the suite contradicts itself on Integer literals out of range: ``Ceiling(2147483648)``
  is marked invalid="syntax" while ``Floor(2147483648)`` expects null.  We follow the
  syntax marking (the literal cannot be an Integer), so the Floor cases must fail with
  the out-of-range message and nothing else.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fhirrules.cql.errors import CqlError, CqlSyntaxError
from fhirrules.cql.grammar import parse_expression

NS = "{http://hl7.org/fhirpath/tests}"
OUT_OF_RANGE_CONFLICTS = {
    ("CqlArithmeticFunctionsTest.xml", "FloorIntegerGreaterThanMaxInteger"),
    ("CqlArithmeticFunctionsTest.xml", "FloorIntegerLessThanMinInteger"),
}


def _older_than_15(test: ET.Element) -> bool:
    version_to = test.get("versionTo")
    if not version_to:
        return False
    return tuple(int(p) for p in version_to.split(".")) < (1, 5)


def _cases(suite_dir: Path):
    for path in sorted(suite_dir.glob("*.xml")):
        root = ET.parse(path).getroot()
        for test in root.iter(NS + "test"):
            elements = list(test.iter(NS + "expression")) + list(test.iter(NS + "output"))
            for el in elements:
                text = (el.text or "").strip()
                if text:
                    yield path.name, test, el, text


def test_conformance_expressions_parse(shared_dir: Path) -> None:
    suite_dir = shared_dir / "conformance" / "cql-tests" / "cql"
    if not suite_dir.is_dir():
        pytest.skip(f"no CQL conformance suite under {suite_dir}")
    failures: list[str] = []
    counts = {"parsed": 0, "syntax_rejected": 0, "invalid_rejected": 0, "older_version": 0,
              "conflict": 0}
    for file_name, test, el, text in _cases(suite_dir):
        name = test.get("name")
        where = f"{file_name}::{name} <{el.tag[len(NS):]}> {text!r}"
        is_expression = el.tag == NS + "expression"
        invalid = el.get("invalid") if is_expression else None
        conflict = is_expression and (file_name, name) in OUT_OF_RANGE_CONFLICTS
        try:
            parse_expression(text, f"{file_name}:{name}")
        except CqlSyntaxError as exc:
            if invalid == "syntax":
                counts["syntax_rejected"] += 1
            elif _older_than_15(test):
                counts["older_version"] += 1
            elif conflict and "out of range" in exc.message:
                counts["conflict"] += 1
            elif invalid == "true":
                # invalid at some stage; ours is the parser (out-of-range literals,
                # '@T06Z': a Time has no offset in CQL 1.5)
                counts["invalid_rejected"] += 1
            else:
                failures.append(f"{where}: {exc.message}")
            continue
        except CqlError as exc:      # pragma: no cover - the parser raises syntax errors only
            failures.append(f"{where}: unexpected {type(exc).__name__}: {exc}")
            continue
        if invalid == "syntax":
            failures.append(f"{where}: parsed but the suite marks it invalid syntax")
        elif conflict:
            failures.append(f"{where}: expected the out-of-range literal to be rejected")
        else:
            counts["parsed"] += 1
    assert not failures, f"{len(failures)} conformance expressions failed:\n" + "\n".join(failures)
    # the suite is large: make sure we actually went through it
    assert counts["parsed"] > 3500, counts
    assert counts["syntax_rejected"] >= 2 and counts["conflict"] == 2, counts
    assert counts["invalid_rejected"] <= 12, counts   # only the handful listed above
