"""Parser benchmark.

    python benchmarks/parse_benchmark.py            # sample library + conformance suite
    python benchmarks/parse_benchmark.py --compare  # also: why not infix_notation

Prints, for the ~10 KB sample library (tests/cql_parser/data/) and for every
expression of the CQL conformance suite, the best wall time and the CPU time over a
few runs (CPU time is the honest number on a shared, loaded machine).  The grammar is
built once before timing, as in the engine.

``--compare`` times the same 16-level operator table three ways on synthetic
expressions: pyparsing ``infix_notation`` without and with packrat, and the precedence
climbing element the CQL grammar uses (``fhirrules.cql.grammar_climb``).
"""
from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fhirrules.cql.errors import CqlSyntaxError  # noqa: E402
from fhirrules.cql.grammar import parse_expression, parse_library  # noqa: E402

SAMPLE = ROOT / "tests" / "cql_parser" / "data" / "RefractoryLupusSample.cql"
NS = "{http://hl7.org/fhirpath/tests}"


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def conformance_expressions(shared: Path) -> list[str]:
    texts = []
    for path in sorted((shared / "conformance" / "cql-tests" / "cql").glob("*.xml")):
        for el in ET.parse(path).getroot().iter():
            if el.tag in (NS + "expression", NS + "output") and (el.text or "").strip():
                texts.append(el.text)
    return texts


def parse_all(texts: list[str]) -> None:
    for text in texts:
        try:
            parse_expression(text)
        except CqlSyntaxError:
            pass     # the few invalid="syntax" cases


def compare() -> None:
    """One operator table, parsed three ways.  Plain ``infix_notation`` doubles its work
    with every level (its look-ahead re-parses the level below), so it is timed up to
    8 levels only (10 levels: ~15 s per expression); CQL needs 16."""
    import pyparsing as pp

    from fhirrules.cql.grammar_climb import OpTable

    operand = pp.Regex(r"[0-9]+")

    def infix(ops: list[str]) -> pp.ParserElement:
        table = [(pp.Keyword(op), 2, pp.OpAssoc.LEFT) for op in reversed(ops)]
        return pp.infix_notation(operand, table)

    def climbing(ops: list[str]) -> pp.ParserElement:
        table = OpTable(r"[A-Za-z_][A-Za-z0-9_]*")
        table.primary = operand | (pp.Suppress("(") + table.at(0) + pp.Suppress(")"))
        for prec, op in enumerate(ops):
            table.add([op], prec, pp.Keyword(op), lambda a, o, b: (a, o, b))
        return table.at(0)

    def texts(ops: list[str]) -> list[str]:
        n = len(ops)
        return ["1", "1 " + ops[0] + " 2", "(1 " + ops[n // 2] + " 2) " + ops[-1] + " 3"]

    def per_expression(element: pp.ParserElement, cases: list[str]) -> float:
        _, cpu = timed(lambda: [element.parse_string(t, parse_all=True) for t in cases], 2)
        return cpu / len(cases) * 1000

    rows = []
    for levels in (6, 8, 12, 16):
        ops = [f"o{i}" for i in range(levels)]
        cases = texts(ops)
        plain = per_expression(infix(ops), cases) if levels <= 8 else None
        rows.append((levels, per_expression(climbing(ops), cases), plain, ops, cases))
    pp.ParserElement.enable_packrat()     # global switch: measured last
    print(f"  {'levels':>6} {'climbing':>10} {'infix':>10} {'infix+packrat':>14}  (ms CPU per expression)")
    for levels, climb, plain, ops, cases in rows:
        packrat = per_expression(infix(ops), cases)
        plain_text = f"{plain:10.2f}" if plain is not None else f"{'(skipped)':>10}"
        print(f"  {levels:>6} {climb:10.2f} {plain_text} {packrat:14.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--compare", action="store_true")
    args = ap.parse_args()

    build_w, build_c = timed(lambda: parse_expression("1"), 1)
    print(f"grammar build (first call): {build_c:.3f} s CPU")

    text = SAMPLE.read_text()
    wall, cpu = timed(lambda: parse_library(text, SAMPLE.name), args.runs)
    print(f"sample library {SAMPLE.name} ({len(text.encode())} bytes): "
          f"{cpu:.3f} s CPU, {wall:.3f} s wall (best of {args.runs})")

    if args.shared.is_dir():
        texts = conformance_expressions(args.shared)
        wall, cpu = timed(lambda: parse_all(texts), max(1, args.runs // 2))
        print(f"conformance suite ({len(texts)} expressions and outputs): {cpu:.2f} s CPU, "
              f"{wall:.2f} s wall, {cpu / len(texts) * 1000:.2f} ms per expression")
    else:
        print(f"conformance suite: skipped, no {args.shared}")

    if args.compare:
        print("operator-table parsing strategies, synthetic expressions:")
        compare()


if __name__ == "__main__":
    main()
