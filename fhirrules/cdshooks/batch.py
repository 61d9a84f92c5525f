"""Evaluate the hook rules for many patients: input discovery, worker processes, results.

Used by ``fhirrules evaluate``. Inputs are split into *units* that can be read
independently (a file, an NDJSON folder, a per-patient folder); each unit is read and
evaluated in a worker process that loaded and compiled the knowledge once (initializer).
A unit that cannot be read or evaluated yields one error result and the batch goes on."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from fhirrules.cdshooks.gcpolicy import settle_long_lived
from fhirrules.cdshooks.pipeline import run_hook_cards
from fhirrules.cdshooks.reasoner import Reasoner, load_reasoner

DATA_SUFFIXES = (".json", ".ndjson")


class InputError(Exception):
    """An input path is unusable as a whole (missing, empty folder)."""


@dataclass(frozen=True)
class EvalOptions:
    hook: str = "patient-view"
    now: str | None = None                  # ISO 8601; None: the wall clock, once per run
    draft_orders: dict | None = None
    enable_ex: bool = False
    knowledge: tuple[str, ...] = ()
    knowledge_only: bool = False


@dataclass
class PatientResult:
    source: str
    patient_id: str | None = None
    body: dict | None = None
    # per card, aligned with body["cards"]: rule id and evidence grade (for rendering)
    meta: list[dict] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def find_units(paths: Iterable[Path]) -> list[Path]:
    """Independent units of input, in a stable order.

    A ``.json``/``.ndjson`` file is a unit. A folder holding ``.ndjson`` files (bulk
    export) or resource-type subfolders (``<case>/<Type>/<id>.json``) is one unit; any
    other folder contributes each of its data files and each subfolder as units (a folder
    of patient bundles, or of patient folders)."""
    units: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_file():
            units.append(path)
        elif path.is_dir():
            found = _folder_units(path)
            if not found:
                raise InputError(f"{path}: no patient data files (.json, .ndjson) in this folder")
            units.extend(found)
        else:
            raise InputError(f"{path}: no such file or folder")
    return units


def _folder_units(folder: Path) -> list[Path]:
    children = sorted(folder.iterdir())
    files = [c for c in children if c.is_file() and c.suffix in DATA_SUFFIXES]
    dirs = [c for c in children if c.is_dir() and not c.name.startswith(".")]
    if any(f.suffix == ".ndjson" for f in files) or any(d.name[:1].isupper() for d in dirs):
        return [folder]
    units: list[Path] = list(files)
    for d in dirs:
        units.extend(_folder_units(d))
    return units


# ----------------------------------------------------------------------------- workers
_REASONER: Reasoner | None = None


def make_reasoner(knowledge: tuple[str, ...], knowledge_only: bool) -> Reasoner:
    """Load the knowledge (a seam: tests replace it with a fake)."""
    return load_reasoner([Path(k) for k in knowledge], knowledge_only=knowledge_only)


def _init_worker(knowledge: tuple[str, ...], knowledge_only: bool, factory: Callable | None) -> None:
    global _REASONER
    _REASONER = (factory or make_reasoner)(knowledge, knowledge_only)
    settle_long_lived()   # gcpolicy.py: knowledge frozen, fewer young collections


def evaluate_unit(unit: Path, options: EvalOptions) -> list[PatientResult]:
    """All patients of one unit; never raises (an error becomes a result)."""
    import time
    assert _REASONER is not None, "worker not initialised"
    reasoner = _REASONER
    now = _now(options.now)
    results: list[PatientResult] = []
    try:
        loader = getattr(reasoner, "load_patients", None)
        if not callable(loader):
            from fhirrules.fhir.sources.load import load_patients as loader
        records = list(loader(unit))
        if not records:
            return [PatientResult(str(unit), error=f"{unit}: no patient in this input")]
    except Exception as exc:   # the binding's FhirDataError names the file and the field
        return [PatientResult(str(unit), error=one_line(exc, unit))]
    for record in records:
        started = time.perf_counter()
        patient_id = getattr(record, "patient_id", None)
        try:
            cards = run_hook_cards(reasoner, options.hook, record, now=now,
                                   draft_orders=options.draft_orders, enable_ex=options.enable_ex,
                                   seed=f"{unit}|{patient_id}|{options.now}")
            results.append(PatientResult(
                str(unit), patient_id, cards.body(),
                [{"rule": c.rule_id, "evidence": c.evidence, "indicator": c.indicator} for c in cards.cards],
                seconds=time.perf_counter() - started))
        except Exception as exc:   # one patient's failure must not stop the batch
            results.append(PatientResult(str(unit), patient_id,
                                         error=one_line(exc, f"{unit} (patient {patient_id})")))
    return results


def one_line(exc: BaseException, where: Any) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    where = str(where)
    return text if text.startswith(where.split(" ")[0]) else f"{where}: {text}"


def _now(text: str | None) -> datetime:
    if text:
        return parse_now(text)
    from datetime import timezone
    return datetime.now(timezone.utc)


def parse_now(text: str) -> datetime:
    """ISO date or date-time; a date-time without offset is taken as UTC."""
    from datetime import timezone
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def run_batch(units: list[Path], options: EvalOptions, jobs: int = 1,
              factory: Callable | None = None) -> Iterator[PatientResult]:
    """Results in input order; ``jobs`` > 1 evaluates in that many processes."""
    if jobs <= 1 or len(units) <= 1:
        _init_worker(options.knowledge, options.knowledge_only, factory)
        for unit in units:
            yield from evaluate_unit(unit, options)
        return
    # no more workers than units: each one pays the knowledge load
    jobs = min(jobs, len(units))
    # Workers get paths (cheap to send) and read the data themselves; results come back
    # in chunks so the parent's pickling round trips stay few, yet small enough (about four
    # chunks per worker) that the last chunks do not leave a worker idle for long.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(options.knowledge, options.knowledge_only, factory)) as pool:
        chunk = max(1, min(16, len(units) // (jobs * 4)))
        for results in pool.map(evaluate_unit, units, [options] * len(units), chunksize=chunk):
            yield from results


def default_jobs() -> int:
    return os.cpu_count() or 1
