"""Generate the worked examples: one patient Bundle per scenario of scenarios.md
(`examples/<key>-<slug>.json`) and its expected cards (`examples/expected/<key>.json`).

    python examples/build_examples.py            # write
    python examples/build_examples.py --check    # exit 1 if any file is stale

The scenarios themselves are data in `examples/tooling/scenarios_*.py`; the expectations
(the rule ids that must and must not fire, indicators, figures) are the scenario text's.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "tools"))

from generated_json import render_json, write_or_check  # noqa: E402

from tooling import scenarios_a, scenarios_bcd  # noqa: E402
from tooling.card_features import with_card_features  # noqa: E402
from tooling.fhir import reset_ids  # noqa: E402


def all_scenarios() -> list:
    reset_ids()
    return with_card_features(scenarios_a.scenarios() + scenarios_bcd.scenarios())


def files() -> dict[Path, str]:
    out: dict[Path, str] = {}
    for sc in all_scenarios():
        out[HERE / sc.file] = render_json(sc.bundle())
        out[HERE / "expected" / f"{sc.key}.json"] = render_json(sc.expected())
    return out


def main(argv: list[str]) -> int:
    return write_or_check(files(), "--check" in argv, "examples", "examples/build_examples.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
