"""The grammar object is shared; parses in several threads must not disturb each other
(positions and query-source marks are per thread)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fhirrules.cql.grammar import parse_library

SAMPLE = (Path(__file__).parent / "data" / "RefractoryLupusSample.cql").read_text()
SHIFTED = "\n\n\n" + SAMPLE.replace("define ", "define  ")


def _positions(lib) -> list:
    return [(st.name, st.pos, getattr(st, "expr", None) and st.expr.pos) for st in lib.statements]


def test_concurrent_parses_give_the_same_trees() -> None:
    expected = {0: parse_library(SAMPLE), 1: parse_library(SHIFTED)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: (i % 2, parse_library([SAMPLE, SHIFTED][i % 2])),
                                range(8)))
    for which, lib in results:
        assert lib == expected[which]
        assert _positions(lib) == _positions(expected[which])
    assert _positions(expected[0]) != _positions(expected[1])
