"""The wheel ships every fhirrules package and the knowledge base (fhirrules/_knowledge/)."""
from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_code_package_is_listed():
    listed = {p for p in _setuptools()["packages"] if not p.startswith("fhirrules._knowledge")}
    found = set(find_packages(where=str(ROOT), include=["fhirrules", "fhirrules.*"]))
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"


def test_knowledge_folders_are_mapped():
    mapping = _setuptools()["package-dir"]
    assert mapping["fhirrules._knowledge.plandefinitions"] == "plandefinitions"
    for folder in mapping.values():
        assert (ROOT / folder).is_dir(), folder


@pytest.mark.slow
def test_wheel_contains_the_knowledge(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                            capture_output=True, text=True, timeout=600)
    offline = ("No matching distribution", "Could not find a version", "NewConnectionError",
               "Temporary failure in name resolution", "Network is unreachable")
    if result.returncode != 0 and any(s in result.stderr for s in offline):
        pytest.skip("building the wheel needs setuptools/wheel from the package index, which is unreachable")
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("fhirrules-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    plans = sorted(p.name for p in (ROOT / "plandefinitions").glob("*.json"))
    libraries = sorted(p.name for p in (ROOT / "libraries").glob("*.cql"))
    assert plans and libraries
    for name in plans:
        assert f"fhirrules/_knowledge/plandefinitions/{name}" in names
    for name in libraries:
        assert f"fhirrules/_knowledge/libraries/{name}" in names
    assert any(n.startswith("fhirrules/_knowledge/libraries/terminology/") for n in names)
    assert "fhirrules/cdshooks/app.py" in names
