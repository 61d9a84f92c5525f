"""CDS Hooks service latency and throughput on 127.0.0.1.

    python benchmarks/service_benchmark.py [--requests 200] [--concurrency 1 8 32]
                                           [--resources 1000] [--workers 1] [--service ID]

Starts ``fhirrules serve`` as a subprocess on a free local port (twice: with JWT
authentication against a local JWKS file, and with --insecure-no-auth), then sends
patient-view calls carrying a 1,000-resource prefetch (the clinical example S01, so the
rules fire and cards are built, padded with synthetic history from
``synthetic_patients.py``, split over the service's prefetch templates) from a bounded
concurrent client (httpx, asyncio semaphore). Prints throughput and p50/p95/p99 latency
per concurrency level, plus the CPU time the server processes (all workers) and the client
spent per request, read from /proc: on a shared 2-core machine wall-clock numbers move with
other people's load, CPU per request much less. Talks to 127.0.0.1 only."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_patients import make_patient_bundle  # noqa: E402

ISSUER = "https://bench-ehr.example.org"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``fhirrules serve`` in a subprocess, stopped with SIGINT."""

    def __init__(self, port: int, args: list[str], env: dict[str, str], workers: int, log_path: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "fhirrules", "serve", "--port", str(port), *args],
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def workers_loaded(self) -> int:
        return self.log_path.read_text(errors="replace").count("knowledge loaded and compiled in")

    def wait_ready(self, headers_for) -> None:
        """Until every worker has loaded the knowledge (the first one up would otherwise
        take all the client's connections) and discovery answers."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("the server exited during start-up:\n" + self.log_path.read_text()[-2000:])
            try:
                r = httpx.get(f"{self.base}/cds-services", headers=headers_for(f"{self.base}/cds-services"), timeout=2)
                if r.status_code == 200 and self.workers_loaded() >= self.workers:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit("the server did not start in 120 s")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


def patient_resources(n_resources: int, clinical: Path | None) -> tuple[str, list[dict]]:
    """``n_resources`` resources of one patient: the clinical example's own resources (so
    rules fire and cards are built) padded with synthetic history, all for its Patient."""
    synthetic = make_patient_bundle(n_resources, seed=7)
    synthetic_id = synthetic["entry"][0]["resource"]["id"]
    base: list[dict] = []
    if clinical is not None and clinical.is_file():
        base = [e["resource"] for e in json.loads(clinical.read_text())["entry"]]
    patient = next((r for r in base if r["resourceType"] == "Patient"), synthetic["entry"][0]["resource"])
    text = orjson.dumps(synthetic).decode().replace(f"urn:uuid:{synthetic_id}", f"Patient/{patient['id']}")
    padding = [e["resource"] for e in json.loads(text)["entry"][1:]]
    resources = [patient] + [r for r in base if r is not patient] + padding
    return patient["id"], resources[:max(n_resources, len(base))]


def make_prefetch(templates: dict[str, str], n_resources: int, clinical: Path | None) -> tuple[str, dict]:
    patient_id, resources = patient_resources(n_resources, clinical)
    prefetch: dict = {}
    for key, query in templates.items():
        rtype = query.split("?")[0].split("/")[0]
        if rtype == "Patient":
            prefetch[key] = resources[0]
        else:
            prefetch[key] = {"resourceType": "Bundle", "type": "searchset",
                             "entry": [{"resource": r} for r in resources if r["resourceType"] == rtype]}
    return patient_id, prefetch


async def load(url: str, body: bytes, n: int, concurrency: int, headers_for) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        async def one() -> None:
            nonlocal failures
            async with semaphore:
                headers = {"Content-Type": "application/json", **headers_for(url)}
                started = time.perf_counter()
                r = await client.post(url, content=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                if r.status_code != 200:
                    failures += 1
        await asyncio.gather(*(one() for _ in range(n)))
    return latencies, failures


def process_tree_cpu(root: int) -> float | None:
    """User+system CPU seconds of ``root`` and its child processes (uvicorn workers), from
    /proc (Linux); None where /proc is not available."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, found = 0.0, False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid ... utime(12th) stime(13th) counted from state
        if int(entry) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / ticks
            found = True
    return total if found else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def bench(label: str, server_args: list[str], env: dict, headers_for, args) -> None:
    port = free_port()
    server = Server(port, server_args, env, args.workers, Path(env["FHIRRULES_FEEDBACK_DB"]).parent / f"{label}.log")
    try:
        started = time.perf_counter()
        server.wait_ready(headers_for)
        print(f"[{label}] server ready in {time.perf_counter() - started:.1f} s")
        services = httpx.get(f"{server.base}/cds-services", headers=headers_for(f"{server.base}/cds-services")).json()["services"]
        pv = [s for s in services if s["hook"] == "patient-view" and s["id"] == args.service]
        if not pv:
            raise SystemExit(f"no patient-view service {args.service!r}")
        service = pv[0]
        patient_id, prefetch = make_prefetch(service.get("prefetch") or {"patient": "Patient/{{context.patientId}}"},
                                             args.resources, args.patient)
        body = orjson.dumps({"hook": "patient-view", "hookInstance": str(uuid.uuid4()),
                             "context": {"userId": "Practitioner/bench", "patientId": patient_id},
                             "prefetch": prefetch})
        url = f"{server.base}/cds-services/{service['id']}"
        warm = httpx.post(url, content=body, headers={"Content-Type": "application/json", **headers_for(url)}, timeout=120)
        if warm.status_code != 200:
            raise SystemExit(f"warm-up call failed: {warm.status_code} {warm.text[:200]}")
        print(f"[{label}] service {service['id']}, request body {len(body) / 1024:.0f} KiB, "
              f"{len(warm.json()['cards'])} card(s)")
        print(f"[{label}] workers {args.workers}, {os.cpu_count()} cores, load average before "
              f"{os.getloadavg()[0]:.2f}")
        print(f"[{label}] {'conc':>4} {'requests':>8} {'fail':>4} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'srv cpu ms/req':>14} {'client cpu ms/req':>17} {'load':>5}")
        for concurrency in args.concurrency:
            server_cpu = process_tree_cpu(server.proc.pid)
            client_cpu = time.process_time()
            started = time.perf_counter()
            latencies, failures = asyncio.run(load(url, body, args.requests, concurrency, headers_for))
            seconds = time.perf_counter() - started
            client_ms = (time.process_time() - client_cpu) * 1000 / max(1, len(latencies))
            after = process_tree_cpu(server.proc.pid)
            server_ms = ((after - server_cpu) * 1000 / max(1, len(latencies))
                         if after is not None and server_cpu is not None else float("nan"))
            print(f"[{label}] {concurrency:>4} {len(latencies):>8} {failures:>4} {len(latencies) / seconds:>7.1f} "
                  f"{percentile(latencies, 0.50) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
                  f"{percentile(latencies, 0.99) * 1000:>8.1f} {server_ms:>14.1f} {client_ms:>17.1f} "
                  f"{os.getloadavg()[0]:>5.2f}")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--resources", type=int, default=1000, help="resources in the prefetch")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--service", default="aav-rituximab-refractory-patient-view", help="service id")
    parser.add_argument("--patient", type=Path, default=ROOT / "examples" / "S01-gpa-rtx-refractory-dah.json",
                        help="clinical example bundle whose rules should fire (padded to --resources)")
    parser.add_argument("--only", choices=["jwt", "no-jwt"], default=None)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FHIRRULES_")}
    with tempfile.TemporaryDirectory(prefix="fhirrules-bench-") as tmp:
        env["FHIRRULES_FEEDBACK_DB"] = str(Path(tmp) / "feedback.sqlite")
        common = ["--workers", str(args.workers)]
        if args.only in (None, "no-jwt"):
            bench("no-jwt", common + ["--insecure-no-auth"], env, lambda url: {}, args)
        if args.only in (None, "jwt"):
            key = ec.generate_private_key(ec.SECP384R1())
            jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
            jwk.update(kid="bench-1", alg="ES384", use="sig")
            (Path(tmp) / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
            config = Path(tmp) / "service.toml"
            config.write_text(f'[issuers."{ISSUER}"]\njwks_file = "jwks.json"\n')

            def headers_for(url: str) -> dict:
                now = int(time.time())
                token = jwt.encode({"iss": ISSUER, "sub": "bench", "aud": url, "iat": now, "exp": now + 300,
                                    "jti": str(uuid.uuid4())}, key, algorithm="ES384",
                                   headers={"kid": "bench-1", "typ": "JWT"})
                return {"Authorization": f"Bearer {token}"}
            bench("jwt", common + ["--config", str(config)], env, headers_for, args)


if __name__ == "__main__":
    main()
