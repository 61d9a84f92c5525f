"""Conformance results shared by the CQL and FHIRPath suite runners: one ``TestResult``
per test, a ``SuiteReport`` that counts them, prints a table per file and writes JSON."""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

STATUSES = ("passed", "failed", "skipped")


@dataclass
class TestResult:
    file: str
    group: str
    name: str
    expression: str
    expected: Optional[str]
    actual: Optional[str]
    status: str                    # passed | failed | skipped (skipped only with a reason in error)
    error: Optional[str] = None

    __test__ = False   # not a pytest test class

    @property
    def test_id(self) -> str:
        return f"{self.file}::{self.group}::{self.name}"


class SuiteReport:
    def __init__(self, results: Iterable[TestResult] = ()) -> None:
        self.results: list[TestResult] = list(results)

    def add(self, result: TestResult) -> None:
        self.results.append(result)

    def counts(self) -> dict[str, int]:
        c = {s: 0 for s in STATUSES}
        for r in self.results:
            c[r.status] = c.get(r.status, 0) + 1
        return c

    def by_file(self) -> "OrderedDict[str, dict[str, int]]":
        out: OrderedDict[str, dict[str, int]] = OrderedDict()
        for r in self.results:
            c = out.setdefault(r.file, {s: 0 for s in STATUSES})
            c[r.status] = c.get(r.status, 0) + 1
        return out

    def summary_line(self) -> str:
        c = self.counts()
        return f"{c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped"

    def print_table(self, console: Any, title: str = "Conformance") -> None:
        """A rich table with one row per file (passed / failed / skipped / rate)."""
        from rich.table import Table
        table = Table(title=title)
        table.add_column("file")
        for s in STATUSES:
            table.add_column(s, justify="right")
        table.add_column("pass rate", justify="right")
        for f, c in self.by_file().items():
            total = sum(c.values())
            rate = f"{100.0 * c['passed'] / total:.1f}%" if total else "-"
            table.add_row(f, str(c["passed"]), str(c["failed"]), str(c["skipped"]), rate)
        console.print(table)

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.results]

    def write_json(self, path: Path | str) -> None:
        Path(path).write_text(json.dumps({"summary": self.counts(), "results": self.to_json()},
                                         indent=1, ensure_ascii=False), encoding="utf-8")
