"""Artifact-level checks of the knowledge base: FHIR R4 validity, generated files in sync
with their sources, canonical references resolving, and the card conventions of
docs/internals.md section 4 (rule ids, summaries, evidence, EX gating)."""
from __future__ import annotations

import re
import subprocess
import sys

import json
from pathlib import Path

import pytest

from kb_paths import (BASE, EXAMPLES, LIBRARIES, PLANS, ROOT, TERMINOLOGY, activity_definitions,
                                      cql_files, define_bodies, library_name, load, plan_definitions)

ALL_JSON = sorted([*LIBRARIES.glob("*.json"), *TERMINOLOGY.glob("*.json"), *PLANS.glob("*.json"), *EXAMPLES.glob("S*.json")])
EVIDENCE_EXT = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
GRADES = {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "EX"}
PRIORITIES = {"routine", "urgent", "asap", "stat"}


def test_every_artifact_is_valid_fhir_r4():
    # in a subprocess: see validate_r4.py for why
    script = Path(__file__).with_name("validate_r4.py")
    done = subprocess.run([sys.executable, str(script), *map(str, ALL_JSON)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {}
    assert len(ALL_JSON) > 100


@pytest.mark.parametrize("script", ["tools/build_library_resources.py", "plandefinitions/build_plandefinitions.py",
                                    "examples/build_examples.py", "libraries/terminology/build_terminology.py"])
def test_generated_files_are_in_sync(script):
    # why: Library JSON, PlanDefinitions and example bundles are generated; a hand edit would drift
    done = subprocess.run([sys.executable, str(ROOT / script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_library_resources_carry_their_cql():
    import base64
    for cql in cql_files():
        lib = load(cql.with_suffix(".json"))
        text = base64.b64decode(lib["content"][0]["data"]).decode("utf-8")
        assert lib["content"][0]["contentType"] == "text/cql"
        assert text == cql.read_text(encoding="utf-8")
        assert lib["url"] == f"{BASE}/Library/{cql.stem}" and lib["name"] == cql.stem


def _known_canonicals() -> set[str]:
    urls = set()
    for path in [*LIBRARIES.glob("*.json"), *TERMINOLOGY.glob("*.json"), *PLANS.glob("*.json")]:
        urls.add(load(path)["url"])
    return urls


def test_every_canonical_reference_resolves():
    known = _known_canonicals()
    fhirhelpers = "http://fhir.org/guides/cqf/common/Library/FHIRHelpers"
    for path in LIBRARIES.glob("*.json"):
        for dep in load(path).get("relatedArtifact", []):
            url = dep["resource"].split("|")[0]
            assert url in known or url == fhirhelpers, f"{path.name}: {url}"
    for plan in plan_definitions():
        for lib in plan["library"]:
            assert lib.split("|")[0] in known, f"{plan['id']}: library {lib}"
        for action in plan["action"]:
            for child in action.get("action", []):
                assert child["definitionCanonical"] in known, f"{plan['id']} {child['id']}"
    for ad in activity_definitions():
        for lib in ad.get("library", []):
            assert lib in known, f"{ad['id']}: library {lib}"


def test_value_set_urls_in_cql_resolve_to_shipped_value_sets():
    known = _known_canonicals()
    for cql in cql_files():
        for url in re.findall(r"^valueset\s+\"[^\"]+\":\s+'([^']+)'", cql.read_text(encoding="utf-8"), re.M):
            assert url in known, f"{cql.name}: {url}"


def _library_defines(canonical: str) -> dict[str, str]:
    return define_bodies((LIBRARIES / f"{library_name(canonical)}.cql").read_text(encoding="utf-8"))


def _expressions(node: dict):
    for cond in node.get("condition", []):
        yield cond["expression"]
    for dv in node.get("dynamicValue", []):
        yield dv["expression"]


def test_every_cql_identifier_names_a_define_of_the_artifact_library():
    for artifact in [*plan_definitions(), *activity_definitions()]:
        defines = {}
        for lib in artifact.get("library", []):
            defines.update(_library_defines(lib))
        nodes = [artifact] + artifact.get("action", []) + [c for a in artifact.get("action", []) for c in a.get("action", [])]
        for node in nodes:
            for expr in _expressions(node):
                assert expr["language"] == "text/cql-identifier"
                assert expr["expression"] in defines, f"{artifact['id']}: {expr['expression']}"


def _spec_rule_ids(spec_text: str) -> set[str]:
    ids = set(re.findall(r"(?<![\w.])[A-D]\.\d+(?:-[A-Za-z0-9]+)?(?!\w)", spec_text))
    groups = {i for i in ids if any(j.startswith(i + "-") for j in ids)}
    # X.0 ids are computable definitions (no card) except A.0-3, which has its own card;
    # C.7-c is "info text in the C.3 detail only" (no card of its own).
    definitions = {i for i in ids if re.match(r"^[A-D]\.0(-|$)", i)} - {"A.0-3"}
    return ids - groups - definitions - {"C.7-c"}


@pytest.mark.shared
def test_every_spec_rule_id_is_an_action(shared_dir):
    spec = (shared_dir / "clinical" / "knowledge-spec.md").read_text(encoding="utf-8")
    wanted = _spec_rule_ids(spec)
    have = {a["id"] for p in plan_definitions() for a in p["action"]}
    assert len(wanted) >= 45
    assert wanted - have == set()


def _evidence_grade(action: dict) -> str:
    # found by its URL, not by position: a second extension must not change the grade read
    [ext] = [e for e in action["extension"] if e["url"] == EVIDENCE_EXT]
    return ext["valueCodeableConcept"]["coding"][0]["code"]


def test_actions_follow_the_card_conventions():
    seen = set()
    for plan in plan_definitions():
        assert plan["library"] and plan["type"]["coding"][0]["code"] == "eca-rule"
        for action in plan["action"]:
            key = (plan["id"], action["id"])
            assert key not in seen
            seen.add(key)
            assert len(action["title"]) < 140, action["id"]
            assert action["priority"] in PRIORITIES
            grade = _evidence_grade(action)
            assert grade in GRADES
            assert action["description"].splitlines()[-1].startswith(f"Evidence: {grade}, "), action["id"]
            assert any(d["type"] == "documentation" for d in action["documentation"])
            assert all(d.get("citation") for d in action["documentation"] if d["type"] == "citation")
            assert action["trigger"] and all(t["type"] == "named-event" and t["name"] in
                                              {"patient-view", "order-select", "order-sign"} for t in action["trigger"])
            assert [c["kind"] for c in action["condition"]] == ["applicability"]
            if action.get("action"):
                assert action["selectionBehavior"] in {"any", "at-most-one"}


def test_ex_rules_are_gated_by_the_enable_ex_parameter():
    ex_actions = 0
    for plan in plan_definitions():
        defines = {}
        for lib in plan["library"]:
            defines.update(_library_defines(lib))
        for action in plan["action"]:
            grade = _evidence_grade(action)
            body = defines[action["condition"][0]["expression"]["expression"]]
            if grade == "EX":
                ex_actions += 1
                # the define itself starts with the flag, so no other condition can open the rule
                assert re.search(r':\s*"Enable EX Rules" and ', body), action["id"]
    assert ex_actions >= 5


def test_strategy_libraries_declare_enable_ex_default_false():
    for plan in plan_definitions():
        text = (LIBRARIES / f"{library_name(plan['library'][0])}.cql").read_text(encoding="utf-8")
        assert 'parameter "Enable EX Rules" Boolean default false' in text


def test_order_checks_run_on_order_hooks():
    hooks = {a["id"]: {t["name"] for t in a["trigger"]} for p in plan_definitions() for a in p["action"]}
    for rule in ("A.6", "A.11-a", "A.11-b"):
        assert {"order-select", "order-sign"} <= hooks[rule]
    assert "patient-view" in hooks["A.2"]


def test_dose_activities_compute_from_weight():
    ads = {ad["id"]: ad for ad in activity_definitions()}
    for ad_id in ("cyclophosphamide-iv-pulse", "cyclophosphamide-oral-daily", "azathioprine-maintenance"):
        paths = {dv["path"] for dv in ads[ad_id]["dynamicValue"]}
        assert {"dosage[0].doseAndRate[0].doseQuantity", "dosage[0].text"} <= paths
    # the A.4 taper table: 11 steps per band, week 1 = 50/60/75 mg
    firsts = {band: ads[f"prednisolone-taper-{band}"]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"]
              for band in ("under-50", "50-75", "over-75")}
    assert firsts == {"under-50": 50, "50-75": 60, "over-75": 75}
    assert all(len(ads[f"prednisolone-taper-{b}"]["dosage"]) == 11 for b in firsts)
