"""Time of one PlanDefinition ``$apply`` for a 1,000-resource patient.

    python benchmarks/apply_benchmark.py [--resources 1000] [--repeat 5] [--seed 1]
                                         [--plan REF_OR_FILE] [--knowledge DIR]...

By default the plan is our largest strategy PlanDefinition (most actions, counted
through child actions) in ``default_knowledge_dirs()``.  Reported per phase (median of
``--repeat`` runs, after one warm-up):

- startup (once, not per request): loading the knowledge base and compiling every library;
- data loading: orjson parse of the patient Bundle + grouping + the per-patient index;
- CQL evaluation: time inside condition and dynamicValue expressions (each define once);
- resource building: the rest of ``$apply`` (walking actions, ActivityDefinitions, Goals,
  the CarePlan form), measured as apply total minus evaluation.

``--all-applicable`` measures the worst case (every action applies).  Patients come from ``synthetic_patients.make_patient_bundle(n_resources, seed)``."""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_patients import make_patient_bundle  # noqa: E402

from fhirrules.reasoning.apply import apply_plan_definition  # noqa: E402
from fhirrules.reasoning.knowledge import KnowledgeBase, default_knowledge_dirs  # noqa: E402
from fhirrules.reasoning.request import ApplyRequest  # noqa: E402


def count_actions(actions: list) -> int:
    return sum(1 + count_actions(a.get("action") or []) for a in actions or [])


def force_applicable(actions: list) -> None:
    for a in actions:
        for c in a.get("condition") or []:
            if c.get("kind") == "applicability":
                c["expression"] = {"language": "text/cql-expression", "expression": "true"}
        force_applicable(a.get("action") or [])


def largest_plan(kb: KnowledgeBase) -> dict | None:
    plans = kb.of_type("PlanDefinition")
    return max(plans, key=lambda p: count_actions(p.get("action") or []), default=None)


def load_record(raw: bytes, kb: KnowledgeBase):
    from fhirrules.fhir.sources.bundle import read_bundle
    from fhirrules.fhir.sources.group import group_patients
    loaded = read_bundle(orjson.loads(raw))
    [record] = group_patients(loaded, terminology=kb.terminology())
    return record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resources", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plan", help="PlanDefinition reference or file (default: the largest one)")
    ap.add_argument("--knowledge", action="append", type=Path, default=[])
    ap.add_argument("--now", default="2025-06-01T00:00:00Z")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE (CQL or JSON text)")
    ap.add_argument("--all-applicable", action="store_true",
                    help="worst case: replace every applicability condition by true, so every "
                         "dynamicValue and ActivityDefinition is evaluated and built")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    dirs = args.knowledge or default_knowledge_dirs()
    if args.plan and Path(args.plan).is_file():
        dirs = list(dirs) + [Path(args.plan)]
    kb = KnowledgeBase.load(dirs)
    startup = time.perf_counter() - started
    if args.plan:
        plan = kb.plan_definition(args.plan) if not Path(args.plan).is_file() else \
            next(p for p in kb.of_type("PlanDefinition") if kb.origin_of(p) == Path(args.plan))
    else:
        plan = largest_plan(kb)
    if plan is None:
        print(f"no PlanDefinition in {', '.join(map(str, dirs)) or 'the knowledge folders'}; "
              "pass --plan and --knowledge", file=sys.stderr)
        return 2
    if args.all_applicable:
        plan = copy.deepcopy(plan)
        force_applicable(plan.get("action") or [])
    from fhirrules.reasoning.runner import parameter_value
    params = {}
    for item in args.param:
        name, _, text = item.partition("=")
        params[name] = parameter_value(kb, plan, text)

    raw = orjson.dumps(make_patient_bundle(args.resources, args.seed))
    loads, evals, builds, totals = [], [], [], []
    for run in range(args.repeat + 1):
        t0 = time.perf_counter()
        record = load_record(raw, kb)
        t1 = time.perf_counter()
        result = apply_plan_definition(kb, plan, ApplyRequest(data=record, now=args.now, parameters=params))
        result.as_careplan()
        t2 = time.perf_counter()
        if run == 0:
            continue   # warm-up: first-use caches (compiled expressions, code indexes of the engine)
        loads.append(t1 - t0)
        evals.append(result.expression_seconds)
        builds.append((t2 - t1) - result.expression_seconds)
        totals.append(t2 - t0)

    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    n_actions = count_actions(plan.get("action") or [])
    print(f"plan: {plan.get('url') or plan.get('id')} ({n_actions} actions, "
          f"{len(result.request_group.get('action', []))} applicable at top level, "
          f"{len(result.resources)} resources, {len(result.issues)} issues)")
    print(f"patient: {args.resources} resources (seed {args.seed}); median of {args.repeat} runs")
    print(f"startup (once): knowledge load + compile {startup * 1000:8.1f} ms")
    print(f"data loading                         {ms(loads):8.1f} ms")
    print(f"CQL evaluation                       {ms(evals):8.1f} ms")
    print(f"resource building                    {ms(builds):8.1f} ms")
    print(f"total per request                    {ms(totals):8.1f} ms")
    for issue in result.issues[:5]:
        print(f"  issue: {issue.severity}: {issue.location}: {issue.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
