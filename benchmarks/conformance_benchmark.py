"""How long the CQL conformance suite takes (the bar: the whole suite under 60 s on a
2-core machine), split into loading the XML, compiling+evaluating the tests, and the
time per test; also the same suite evaluated a second time with every library already
compiled (the cached path a service takes).

    TZ=UTC python benchmarks/conformance_benchmark.py [SUITE_DIR]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from fhirrules.conformance.cql_suite import CqlSuiteRunner, load_cases
from fhirrules.conformance.report import SuiteReport
from fhirrules.conformance.shared import find_shared_dir


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        suite = Path(argv[1])
    else:
        shared = find_shared_dir()
        if shared is None:
            print("shared/ not found: pass the suite folder or set FHIRRULES_SHARED")
            return 2
        suite = shared / "conformance" / "cql-tests" / "cql"
    t0 = time.perf_counter()
    cases = load_cases(suite)
    t1 = time.perf_counter()
    runner = CqlSuiteRunner()
    t2 = time.perf_counter()
    report = SuiteReport(runner.run(cases))
    t3 = time.perf_counter()
    SuiteReport(runner.run(cases))            # every library now comes from the cache
    t4 = time.perf_counter()
    n = len(cases)
    print(f"tests: {n}; {report.summary_line()}")
    print(f"load XML:            {t1 - t0:7.2f} s")
    print(f"engine start-up:     {t2 - t1:7.2f} s")
    print(f"first run (compile): {t3 - t2:7.2f} s  ({1000 * (t3 - t2) / n:.2f} ms/test)")
    print(f"second run (cached): {t4 - t3:7.2f} s  ({1000 * (t4 - t3) / n:.2f} ms/test)")
    total = t3 - t0
    print(f"total (first run):   {total:7.2f} s  -> {'OK' if total < 60 else 'OVER'} the 60 s budget")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
