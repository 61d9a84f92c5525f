"""The CQL conformance runner (cqframework/cql-tests XML suites).

Each ``<expression>`` is compiled as ``define "Test"`` in a library with System types
only and evaluated; the ``<output>`` text is itself compiled and evaluated as CQL and
compared with the actual value (``literals.values_match``).  Tests marked ``invalid``
pass only when the engine raises the right kind of error: ``true`` any CqlError at
compile or run time, ``semantic`` a CqlSemanticError at compile time, ``syntax`` a
CqlSyntaxError.  No test is skipped for being an error test."""
from __future__ import annotations

import contextlib
import signal
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

from fhirrules.conformance.literals import format_value, values_match
from fhirrules.conformance.report import SuiteReport, TestResult

NS = "{http://hl7.org/fhirpath/tests}"


@dataclass
class CqlCase:
    file: str           # the XML file's stem
    group: str
    name: str
    expression: str
    invalid: Optional[str]      # None | 'true' | 'semantic' | 'syntax' | 'execution' | 'false'
    output: Optional[str]

    @property
    def test_id(self) -> str:
        return f"{self.file}::{self.group}::{self.name}"


def default_suite_dir() -> Optional[Path]:
    """``../shared/conformance/cql-tests/cql`` from the current directory, else under
    ``$FHIRRULES_SHARED`` (see ``conformance/shared.py``)."""
    from fhirrules.conformance.shared import CQL_SUITE, shared_path
    return shared_path(*CQL_SUITE)


def load_cases(path: Path | str) -> list[CqlCase]:
    """Every test of every XML file under ``path`` (a folder or one file), in order."""
    p = Path(path)
    files = sorted(p.glob("*.xml")) if p.is_dir() else [p]
    cases: list[CqlCase] = []
    for f in files:
        root = ET.parse(f).getroot()
        for group in root.iter(NS + "group"):
            for test in group.iter(NS + "test"):
                expr_el = test.find(NS + "expression")
                if expr_el is None:
                    continue
                out_el = test.find(NS + "output")
                invalid = expr_el.get("invalid")
                cases.append(CqlCase(
                    file=f.stem, group=group.get("name", ""), name=test.get("name", ""),
                    expression=(expr_el.text or "").strip(),
                    invalid=invalid if invalid not in (None, "false") else None,
                    output=(out_el.text or "").strip() if out_el is not None else None))
    return cases


class CqlSuiteRunner:
    """Runs cases against one engine, with one fixed clock for the whole run."""

    def __init__(self, engine: Any = None) -> None:
        from fhirrules.cql.context import EvaluationContext
        from fhirrules.cql.engine import CqlEngine
        self.engine = engine or CqlEngine()
        self._ctx_cls = EvaluationContext
        try:
            self._now = EvaluationContext().now
        except Exception:  # noqa: BLE001 - no temporal module yet: Now() tests will fail alone
            self._now = None

    def _evaluate(self, text: str) -> Any:
        lib = self.engine.compile(f"library ConformanceTest version '1.0'\n\ndefine \"Test\":\n{text}\n",
                                  "conformance.cql")
        return lib, self._ctx_cls(now=self._now)

    def run_case(self, case: CqlCase) -> TestResult:
        """Run one case; a case running longer than ``TIME_LIMIT`` seconds fails (so one
        runaway expression cannot hang the whole suite)."""
        with _time_limit(TIME_LIMIT):
            try:
                return self._run_case(case)
            except _TimedOut:
                return TestResult(case.file, case.group, case.name, case.expression, case.output, None,
                                  "failed", f"timed out after {TIME_LIMIT} s")

    def _run_case(self, case: CqlCase) -> TestResult:
        from fhirrules.cql.errors import CqlError, CqlSemanticError, CqlSyntaxError
        result = TestResult(case.file, case.group, case.name, case.expression, case.output, None, "failed")
        if case.invalid:
            result.expected = f"error ({case.invalid})"
            stage = "compile"
            try:
                lib, ctx = self._evaluate(case.expression)
                stage = "run"
                value = lib.evaluate_define("Test", ctx)
                result.actual = format_value(value)
                result.error = "no error was raised"
            except CqlError as e:
                result.actual = f"{type(e).__name__} at {stage}: {e.message}"
                wanted = {"semantic": CqlSemanticError, "syntax": CqlSyntaxError}.get(case.invalid)
                if wanted is None or (isinstance(e, wanted) and stage == "compile"):
                    result.status = "passed"
                else:
                    result.error = f"expected {wanted.__name__} at compile time"
            except Exception as e:  # noqa: BLE001 - a non-CQL error escaping is a bug to report
                result.actual = f"{type(e).__name__}: {e}"
                result.error = "a non-CQL error escaped the engine"
            return result
        if case.output is None:
            result.status = "skipped"
            result.error = "the test has no <output>"
            return result
        try:
            lib, ctx = self._evaluate(case.expression)
            actual = lib.evaluate_define("Test", ctx)
            result.actual = format_value(actual)
        except Exception as e:  # noqa: BLE001
            result.actual = f"{type(e).__name__}: {getattr(e, 'message', e)}"
            result.error = str(e).splitlines()[0] if str(e) else type(e).__name__
            return result
        try:
            elib, ectx = self._evaluate(case.output)
            expected = elib.evaluate_define("Test", ectx)
        except Exception as e:  # noqa: BLE001
            result.error = f"could not evaluate the expected output: {type(e).__name__}: {e}".splitlines()[0]
            return result
        if values_match(expected, actual):
            result.status = "passed"
        else:
            result.error = f"expected {format_value(expected)}"
        return result

    def run(self, cases: list[CqlCase]) -> Iterator[TestResult]:
        for case in cases:
            yield self.run_case(case)


TIME_LIMIT = 20


class _TimedOut(BaseException):
    """Raised by the alarm; a BaseException so the engine's error wrapping (which turns
    every Exception into a CqlRuntimeError) cannot mistake it for an expected error."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise _TimedOut()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_suite(path: Path | str, engine: Any = None) -> SuiteReport:
    runner = CqlSuiteRunner(engine)
    return SuiteReport(runner.run(load_cases(path)))


def xfail_lines(report: SuiteReport, keep_reasons: Optional[dict[str, str]] = None) -> list[str]:
    """``test id<TAB>reason`` for every test that did not pass (for cql_xfail.txt); a
    reason already written for a test that still fails is kept."""
    lines = []
    keep = keep_reasons or {}
    for r in report.results:
        test_id = f"{r.file}::{r.group}::{r.name}"
        if r.status != "passed" and test_id in keep:
            lines.append(f"{test_id}\t{keep[test_id]}")
        elif r.status != "passed":
            reason = (r.error or "").replace("\n", " ")
            actual = (r.actual or "").replace("\n", " ")
            text = f"{reason}; got {actual}" if reason.startswith("expected") else f"raises {actual}"
            lines.append(f"{r.file}::{r.group}::{r.name}\t{text}"[:300])
    return lines
