"""Generate the worked examples: one patient Bundle per scenario of scenarios.md
(`examples/<key>-<slug>.json`) and its expected cards (`examples/expected/<key>.json`).

    python examples/build_examples.py            # write
    python examples/build_examples.py --check    # exit 1 if any file is stale

The scenarios themselves are data in `examples/tooling/scenarios_*.py`; the expectations
(the rule ids that must and must not fire, indicators, figures) are the scenario text's.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from tooling import scenarios_a, scenarios_bcd  # noqa: E402
from tooling.fhir import reset_ids  # noqa: E402


def all_scenarios() -> list:
    reset_ids()
    return scenarios_a.scenarios() + scenarios_bcd.scenarios()


def files() -> dict[Path, str]:
    out: dict[Path, str] = {}
    for sc in all_scenarios():
        out[HERE / sc.file] = json.dumps(sc.bundle(), indent=2, ensure_ascii=False) + "\n"
        out[HERE / "expected" / f"{sc.key}.json"] = json.dumps(sc.expected(), indent=2, ensure_ascii=False) + "\n"
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in files().items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print("stale examples (run examples/build_examples.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
