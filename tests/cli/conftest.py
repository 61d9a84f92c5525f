from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fhirrules.cdshooks import batch

from cdshooks.fakes import FakeReasoner, mmf_draft_orders, patient_resources


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fake_knowledge(monkeypatch):
    """Evaluate with the fake reasoner (jobs=1 runs in this process)."""
    monkeypatch.setattr(batch, "make_reasoner", lambda knowledge, only: FakeReasoner())


def write_bundle(path, resources):
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection",
                                "entry": [{"resource": r} for r in resources]}))
    return path


@pytest.fixture
def patient_files(tmp_path):
    folder = tmp_path / "patients"
    folder.mkdir()
    write_bundle(folder / "a.json", patient_resources("a"))
    write_bundle(folder / "b.json", patient_resources("b", tmp_smx=True))
    write_bundle(folder / "c.json", patient_resources("c", gpa=False))
    orders = tmp_path / "orders.json"
    orders.write_text(json.dumps(mmf_draft_orders("a")))
    return folder, orders
