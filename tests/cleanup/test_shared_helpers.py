"""The helpers that several commands and generator scripts share after the clean-up:
fhirrules.cli.usage (exit-2 input errors, --param parsing) and tools/generated_json.py."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import typer

from fhirrules.cli.usage import fail, parse_params


def _generated_json():
    # tools/ is a folder of scripts, not a package: load the helper by path
    path = Path(__file__).resolve().parents[2] / "tools" / "generated_json.py"
    spec = importlib.util.spec_from_file_location("generated_json", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parse_params_strips_and_keeps_text():
    assert parse_params("cql", [" A = 1 ", "B=x=y", "C="]) == {"A": "1", "B": "x=y", "C": ""}


@pytest.mark.parametrize("item", ["novalue", "=3", "  =3"])
def test_parse_params_rejects_malformed_items_with_exit_2(item, capsys):
    with pytest.raises(typer.Exit) as raised:
        parse_params("apply", [item])
    assert raised.value.exit_code == 2
    assert capsys.readouterr().err == f"fhirrules apply: --param {item!r}: expected NAME=VALUE\n"


def test_fail_prints_only_the_first_line(capsys):
    with pytest.raises(typer.Exit) as raised:
        fail("conformance", "first\nsecond")
    assert raised.value.exit_code == 2
    assert capsys.readouterr().err == "fhirrules conformance: first\n"


def test_render_json_layout():
    text = _generated_json().render_json({"b": ["é", 1]})
    assert text == '{\n  "b": [\n    "é",\n    1\n  ]\n}\n'
    assert json.loads(text) == {"b": ["é", 1]}


def test_write_or_check_reports_stale_then_writes(tmp_path, capsys):
    gj = _generated_json()
    target = tmp_path / "sub" / "a.json"
    files = {target: gj.render_json({"x": 1})}
    assert gj.write_or_check(files, True, "things", "make.py") == 1
    assert capsys.readouterr().out == "stale things (run make.py): a.json\n"
    assert not target.exists()
    assert gj.write_or_check(files, False, "things", "make.py") == 0
    assert target.read_text(encoding="utf-8") == '{\n  "x": 1\n}\n'
    assert gj.write_or_check(files, True, "things", "make.py") == 0
