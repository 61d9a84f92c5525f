"""What the generator scripts (tools/build_library_resources.py,
plandefinitions/build_plandefinitions.py, examples/build_examples.py) share: one JSON
layout for every generated file, and one write-or-check step, so `--check` in the test
suite compares byte for byte with what a write would produce."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def render_json(value: Any) -> str:
    """The on-disk text of a generated JSON file: 2-space indent, UTF-8 kept as is,
    one trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_or_check(files: dict[Path, str], check: bool, what: str, script: str) -> int:
    """Write every file (creating its folder), or with ``check`` write nothing and
    report the files whose text differs.  Returns the exit status: 1 when checking
    found stale files, else 0."""
    stale = []
    for path, text in files.items():
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print(f"stale {what} (run {script}):", ", ".join(stale))
        return 1
    return 0
