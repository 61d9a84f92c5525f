"""A Library whose inline CQL is not base64 UTF-8 is reported as a knowledge problem;
loading the rest of the knowledge base goes on."""
from __future__ import annotations

import base64
import json

from fhirrules.reasoning.knowledge import KnowledgeBase


def _library(lib_id: str, data: str) -> dict:
    return {"resourceType": "Library", "id": lib_id, "url": f"http://example.org/Library/{lib_id}",
            "name": lib_id, "version": "1.0.0", "status": "active",
            "type": {"coding": [{"code": "logic-library"}]},
            "content": [{"contentType": "text/cql", "data": data}]}


def test_bad_base64_library_is_a_problem_not_a_crash(tmp_path):
    good = base64.b64encode(b"library Good version '1.0.0'\ndefine \"One\": 1\n").decode()
    (tmp_path / "good.json").write_text(json.dumps(_library("Good", good)))
    (tmp_path / "bad.json").write_text(json.dumps(_library("Bad", "%%% not base64 \xff")))
    kb = KnowledgeBase.load([tmp_path])
    assert any("not base64-encoded" in p for p in kb.problems), kb.problems
    good_lib = next(lib for lib in kb.of_type("Library") if lib["id"] == "Good")
    assert kb.compiled_library(good_lib) is not None
