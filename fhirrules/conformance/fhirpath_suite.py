"""Runs the HL7 FHIRPath test suite (tests-fhir-r4.xml) through fhirrules' FHIRPath.

A test passes when the expression's result collection equals the expected outputs, in
order and type; a test marked ``invalid`` passes only when evaluation raises the
engine's own error (syntax errors must be CqlSyntaxError).  Inputs (XML or JSON) are read
from beside the test file.  ``mode="strict"`` tests run with strict navigation (unknown
elements are errors).  Terminology-server tests (``memberOf``, ``%vs-``) cannot run
without a terminology server; they are reported as failed with that reason.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from fhirrules.conformance.fhir_xml import load_fhir_file
from fhirrules.conformance.report import SuiteReport, TestResult
from fhirrules.cql.errors import CqlError, CqlSyntaxError
from fhirrules.fhir.fhirpath import evaluate_fhirpath
from fhirrules.fhir.fhirpath.nodes import Node
from fhirrules.fhir.fhirpath.values import parse_temporal, to_system

# A fixed clock so that now()/today() tests do not depend on the day they run.
FIXED_NOW_TEXT = "2026-01-01T12:00:00.000+00:00"


def _expected_value(type_name: str, text: str) -> Any:
    text = text or ""
    if type_name == "boolean":
        return text == "true"
    if type_name == "integer":
        return int(text)
    if type_name == "decimal":
        return Decimal(text)
    if type_name in ("date", "dateTime", "time"):
        kind = {"date": "Date", "dateTime": "DateTime", "time": "Time"}[type_name]
        return parse_temporal(kind, text.lstrip("@"))
    if type_name == "Quantity":
        from fhirrules.fhir.fhirpath.functions import _to_quantity
        return _to_quantity(text)
    return text


def _render(value: Any) -> str:
    v = to_system(value)
    if isinstance(v, Node):
        return f"{v.type}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if hasattr(v, "cql_str"):
        return v.cql_str()
    return str(v)


def _same(expected: Any, actual: Any, type_name: str = "x") -> bool:
    a = to_system(actual)
    if not type_name:        # an untyped output: compare the rendered literal text
        return _render(a) == str(expected).strip()
    if isinstance(a, Node):
        return False
    if hasattr(expected, "cql_str") and hasattr(a, "cql_str"):
        return expected.cql_str() == a.cql_str()
    if isinstance(expected, bool) or isinstance(a, bool):
        return isinstance(a, bool) and isinstance(expected, bool) and a == expected
    if isinstance(expected, (int, Decimal)) and isinstance(a, (int, Decimal)):
        return Decimal(expected) == Decimal(a)
    if type(expected).__name__ == "Quantity":
        from fhirrules.cql.operators import comparison
        return comparison.equivalent(expected, a) is True
    return expected == a


def _now() -> Any:
    return parse_temporal("DateTime", FIXED_NOW_TEXT)


def run_test(test: ET.Element, group: str, base: Path, inputs: dict[str, Any], file_name: str) -> TestResult:
    expr_el = test.find("expression")
    expression = (expr_el.text or "") if expr_el is not None else ""
    invalid = expr_el.get("invalid") if expr_el is not None else None
    outputs = [(o.get("type", ""), o.text or "") for o in test.findall("output")]
    expected_text = ", ".join(f"{t}:{v}" for t, v in outputs) if outputs else ("error: " + invalid if invalid else "{}")
    name = test.get("name", "?")
    result = TestResult(file=file_name, group=group, name=name, expression=expression,
                        expected=expected_text, actual="", status="failed", error=None)
    try:
        resource = None
        input_file = test.get("inputfile")
        if input_file:
            if input_file not in inputs:
                inputs[input_file] = load_fhir_file(base / input_file)
            resource = inputs[input_file]
        actual = evaluate_fhirpath(expression, resource, strict=test.get("mode") == "strict", now=_now())
        if test.get("predicate") == "true":
            actual = [bool(actual)]
        result.actual = ", ".join(_render(a) for a in actual) or "{}"
        if invalid:
            result.error = "expected an error, got a result"
            return result
        if len(actual) != len(outputs):
            result.error = f"expected {len(outputs)} items, got {len(actual)}"
            return result
        for (type_name, text), item in zip(outputs, actual):
            if not _same(_expected_value(type_name, text), item, type_name):
                result.error = "value differs"
                return result
        result.status = "passed"
    except CqlError as e:
        result.actual = f"{e.kind} error: {e.message}"
        if invalid and (invalid != "syntax" or isinstance(e, CqlSyntaxError)):
            result.status = "passed"
        else:
            result.error = str(e.message)
    except Exception as e:  # noqa: BLE001 - a crash is a failed test, reported with its type
        result.actual = f"crash: {type(e).__name__}: {e}"
        result.error = result.actual
    return result


def run_suite(path: Optional[Path] = None) -> SuiteReport:
    path = Path(path) if path else _default_path()
    root = ET.parse(path).getroot()
    inputs: dict[str, Any] = {}
    results: list[TestResult] = []
    for group in root.iter("group"):
        for test in group.findall("test"):
            results.append(run_test(test, group.get("name", ""), path.parent, inputs, path.name))
    return SuiteReport(results)


def _default_path() -> Path:
    from fhirrules.conformance.shared import FHIRPATH_R4_SUITE, shared_path
    found = shared_path(*FHIRPATH_R4_SUITE)
    if found is None:
        raise FileNotFoundError("tests-fhir-r4.xml not found: pass its path or set FHIRRULES_SHARED")
    return found
