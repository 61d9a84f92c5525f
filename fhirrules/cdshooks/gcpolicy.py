"""Garbage-collector settings for long-running evaluators (the service, batch workers).

Two facts drive them. The knowledge (compiled closures, value sets) lives as long as the
process: frozen, full collections stop rescanning it (benchmarks/service_benchmark.py,
1,000-resource prefetch, one worker: 24 -> 49 requests/s, p95 210 -> 32 ms). And each
patient allocates tens of thousands of short-lived containers (the parsed JSON), nearly
all freed by reference counting, so the default young-generation threshold (700) runs
dozens of collections per patient that find nothing; a higher threshold runs fewer. The
older generations keep their defaults, so reference cycles are still reclaimed."""
from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000


def settle_long_lived() -> None:
    """Call once the long-lived state is built: collect, freeze, raise the young threshold."""
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)
