"""Batch throughput of ``fhirrules evaluate``: patients per second.

    python benchmarks/batch_benchmark.py [--patients 1000] [--jobs 1 2] [--hook patient-view]

Writes a folder of synthetic patient bundles (``synthetic_patients.make_patient_bundle``,
sizes spread over 50-2,000 resources, fixed seeds) to a temporary directory, then runs
the same batch path the CLI uses (``fhirrules.cdshooks.batch.run_batch``: one unit per
file, knowledge loaded once per worker process) with each ``--jobs`` value, and prints
patients per second, cards and errors. Knowledge load time is measured separately and
included in the wall time (it is what a user waits for). Also printed: the CPU seconds
spent (this process and its worker processes) and the load average, because on a shared
2-core machine other people's processes decide how much of the second core ``--jobs 2``
actually gets; ``--repeat`` alternates the job counts to even that out."""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_patients import make_patient_bundle  # noqa: E402

from fhirrules.cdshooks import batch  # noqa: E402

NOW = "2025-03-10T12:00:00Z"


def patient_sizes(n: int, low: int = 50, high: int = 2000) -> list[int]:
    """Spread evenly over [low, high] (deterministic), so runs are comparable."""
    if n == 1:
        return [low]
    return [low + (high - low) * i // (n - 1) for i in range(n)]


def write_patients(folder: Path, n: int) -> int:
    total = 0
    for i, size in enumerate(patient_sizes(n)):
        (folder / f"patient-{i:05d}.json").write_bytes(orjson.dumps(make_patient_bundle(size, seed=i)))
        total += size
    return total


def cpu_seconds() -> float:
    """User+system CPU of this process and of its finished (joined) child processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(folder: Path, jobs: int, hook: str) -> dict:
    units = batch.find_units([folder])
    options = batch.EvalOptions(hook=hook, now=NOW)
    cpu = cpu_seconds()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    first = None
    patients = cards = errors = 0
    for result in batch.run_batch(units, options, jobs=jobs):
        if first is None:
            first = time.perf_counter()
        if result.error:
            errors += 1
        else:
            patients += 1
            cards += len(result.body["cards"])
    end = time.perf_counter()
    seconds = end - started
    cpu = cpu_seconds() - cpu
    # steady state: after the first result, i.e. without the workers' knowledge load
    steady = (patients - 1) / (end - first) if first is not None and end > first and patients > 1 else 0.0
    return {"jobs": jobs, "patients": patients, "errors": errors, "cards": cards, "seconds": seconds,
            "patients_per_second": patients / seconds if seconds else 0.0, "steady": steady,
            "cpu": cpu, "cpu_ms_per_patient": cpu * 1000 / patients if patients else 0.0, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--hook", default="patient-view")
    parser.add_argument("--repeat", type=int, default=1, help="run the --jobs list this many times, alternating")
    args = parser.parse_args()
    started = time.perf_counter()
    from fhirrules.cdshooks.reasoner import load_reasoner
    load_reasoner()
    load_seconds = time.perf_counter() - started
    print(f"knowledge load + compile: {load_seconds:.2f} s (paid once per worker process)")
    with tempfile.TemporaryDirectory(prefix="fhirrules-batch-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        resources = write_patients(folder, args.patients)
        print(f"wrote {args.patients} patients, {resources} resources in {time.perf_counter() - t:.1f} s "
              f"({os.cpu_count()} cores)")
        print(f"{'jobs':>4} {'patients':>8} {'errors':>6} {'cards':>6} {'seconds':>8} {'patients/s':>10} "
              f"{'steady/s':>9} {'cpu s':>6} {'cpu ms/patient':>14} {'load':>5}")
        for _ in range(args.repeat):
            for jobs in args.jobs:
                r = run(folder, jobs, args.hook)
                print(f"{r['jobs']:>4} {r['patients']:>8} {r['errors']:>6} {r['cards']:>6} {r['seconds']:>8.1f} "
                      f"{r['patients_per_second']:>10.2f} {r['steady']:>9.2f} {r['cpu']:>6.1f} "
                      f"{r['cpu_ms_per_patient']:>14.1f} {r['load']:>5.2f}", flush=True)


if __name__ == "__main__":
    main()
