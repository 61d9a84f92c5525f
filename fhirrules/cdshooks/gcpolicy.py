"""Garbage-collector settings for long-running evaluators (the service, batch workers).

The knowledge (compiled closures, value sets) lives as long as the process: frozen, full
collections stop rescanning it (benchmarks/service_benchmark.py, 1,000-resource prefetch,
one worker: 24 -> 49 requests/s, p95 210 -> 32 ms).

Tried and rejected: raising the young-generation threshold (700 -> 20,000), on the idea
that a patient's parsed JSON is freed by reference counting anyway. Measured with
benchmarks/batch_benchmark.py (1,000 patients, same tree, alternating runs) it cost CPU:
9.3 -> 11.6 ms per patient with one job; the thresholds stay at their defaults."""
from __future__ import annotations

import gc


def settle_long_lived() -> None:
    """Call once the long-lived state is built: collect what is garbage, freeze the rest."""
    gc.collect()
    gc.freeze()
