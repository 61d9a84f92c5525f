"""Data requirements from the CQL AST, prefetch templates, configuration, CORS."""
from __future__ import annotations

import pytest

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.config import ConfigError, ServiceConfig, load_config
from fhirrules.cdshooks.data_requirements import DataRequirement, library_requirements
from fhirrules.cdshooks.discovery import MAX_URL_CHARS, prefetch_templates, valueset_expander
from fhirrules.cql import ast

from .fakes import FakeReasoner
from .server import running
from .test_service import hook_body


def _retrieve(rtype, terminology=None):
    return ast.Retrieve(ast.NamedTypeSpec(rtype, "FHIR"), terminology=terminology)


def test_requirements_follow_valuesets_codes_concepts_and_includes():
    common = ast.Library(
        name="Common", codesystems=[ast.CodeSystemDef("LOINC", "http://loinc.org")],
        codes=[ast.CodeDef("Weight", "29463-7", ast.Identifier("LOINC"))],
        statements=[ast.ExpressionDef("Weights", _retrieve("Observation", ast.Identifier("Weight")))])
    main = ast.Library(
        name="Main", includes=[ast.IncludeDef("Common", "1.0", "C"), ast.IncludeDef("FHIRHelpers", "4.0.1")],
        codesystems=[ast.CodeSystemDef("SNOMED", "http://snomed.info/sct")],
        valuesets=[ast.ValueSetDef("AAV", "http://x/ValueSet/aav")],
        codes=[ast.CodeDef("GPA", "195353004", ast.Identifier("SNOMED")),
               ast.CodeDef("MPA", "239928004", ast.Identifier("SNOMED"))],
        concepts=[ast.ConceptDef("Vasculitis", [ast.Identifier("GPA"), ast.Identifier("MPA")])],
        statements=[
            ast.ExpressionDef("A", _retrieve("Condition", ast.Identifier("AAV"))),
            ast.ExpressionDef("B", ast.Query([ast.AliasedSource(_retrieve("Condition", ast.Identifier("Vasculitis")), "C")],
                                             where=ast.Literal("Boolean", True))),
            ast.ExpressionDef("C", _retrieve("MedicationRequest")),
            ast.ExpressionDef("D", _retrieve("Observation", ast.Member(ast.Identifier("C"), "Weight"))),
            ast.ExpressionDef("E", ast.FunctionCall("Exists", [_retrieve("Procedure", ast.FunctionCall("F", []))])),
        ])
    texts = {"Common": "common"}
    reqs = library_requirements(main, lambda name, version: texts.get(name),
                                parse=lambda text, name: common)
    assert set(reqs) == {
        DataRequirement("Condition", valueset="http://x/ValueSet/aav"),
        DataRequirement("Condition", codes=frozenset({("http://snomed.info/sct", "195353004"),
                                                      ("http://snomed.info/sct", "239928004")})),
        DataRequirement("MedicationRequest", unfiltered=True),
        DataRequirement("Observation", codes=frozenset({("http://loinc.org", "29463-7")})),
        DataRequirement("Procedure", unfiltered=True),      # a computed filter: ask for everything
    }


def test_templates_union_codes_expand_valuesets_and_split_long_lists():
    many = [("http://loinc.org", f"{n}-1") for n in range(1500)]
    expand = valueset_expander([
        {"resourceType": "ValueSet", "url": "http://x/vs/enumerated",
         "compose": {"include": [{"system": "http://snomed.info/sct", "concept": [{"code": "1"}, {"code": "2"}]}]}},
        {"resourceType": "ValueSet", "url": "http://x/vs/filtered",
         "compose": {"include": [{"system": "http://snomed.info/sct", "filter": [{"op": "is-a"}]}]}},
        {"resourceType": "ValueSet", "url": "http://x/vs/big", "expansion": {"contains": [
            {"system": s, "code": c} for s, c in many]}},
    ])
    templates = prefetch_templates([
        DataRequirement("Condition", valueset="http://x/vs/enumerated"),
        DataRequirement("Condition", codes=frozenset({("http://snomed.info/sct", "3")})),
        DataRequirement("Procedure", valueset="http://x/vs/filtered"),
        DataRequirement("Observation", valueset="http://x/vs/big"),
        DataRequirement("Medication", unfiltered=True),
        DataRequirement("Patient", unfiltered=True),
    ], expand)
    assert templates["patient"] == "Patient/{{context.patientId}}"
    assert templates["condition"] == ("Condition?patient={{context.patientId}}&code=http://snomed.info/sct%7C1,"
                                      "http://snomed.info/sct%7C2,http://snomed.info/sct%7C3")
    assert templates["procedure"] == "Procedure?patient={{context.patientId}}&code:in=http://x/vs/filtered"
    observation = [v for k, v in templates.items() if k.startswith("observation-")]
    assert len(observation) >= 2 and all(len(q) <= MAX_URL_CHARS for q in observation)
    listed = {c for q in observation for c in q.split("&code=")[1].split(",")}
    assert listed == {f"http://loinc.org%7C{c}" for _, c in many}
    assert not any(k.startswith("medication") for k in templates)


def test_config_file_then_environment(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('public_base_url = "https://cds.example.org/"\ncors_origins = ["https://ehr.example.org"]\n'
                    'feedback_db = "fb.sqlite"\nenable_ex = false\n'
                    '[issuers."https://ehr.example.org"]\njwks_file = "keys.json"\n')
    config = load_config(path, environ={"FHIRRULES_ENABLE_EX": "true", "FHIRRULES_JWT_LEEWAY": "30"})
    assert config.public_base_url == "https://cds.example.org"
    assert config.enable_ex is True and config.jwt_leeway_seconds == 30
    assert config.issuers["https://ehr.example.org"].jwks_file == tmp_path / "keys.json"
    assert config.feedback_db == tmp_path / "fb.sqlite" and config.auth_enabled
    env = load_config(None, environ={"FHIRRULES_ISSUERS": '{"https://a": "https://a/jwks"}',
                                     "FHIRRULES_ALLOWED_JKU_HOSTS": "a, b"})
    assert env.issuers["https://a"].jwks_url == "https://a/jwks" and env.allowed_jku_hosts == ("a", "b")


@pytest.mark.parametrize("text,fragment", [
    ("nonsense = 1", "unknown configuration field(s): nonsense"),
    ('algorithms = ["ES384", "HS256"]', "HS256 can never be accepted"),
    ('jwt_leeway_seconds = "soon"', "jwt_leeway_seconds: expected a number"),
    ('[issuers."x"]\nfoo = 1', "issuers.x: give jwks_url or jwks_file"),
    ("enable_ex = \"maybe\"", "enable_ex: expected true or false"),
    ("this is [ not toml", "not valid TOML"),
    ('evaluation_time = "tomorrow"', "evaluation_time: not an ISO 8601 date-time"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, fragment):
    path = tmp_path / "service.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert fragment in str(info.value)


def test_cors_allows_only_configured_origins(tmp_path, local_client):
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite",
                           cors_origins=("https://ehr.example.org",))
    with running(create_app(config, FakeReasoner())) as base:
        ok = local_client.options(f"{base}/cds-services", headers={
            "Origin": "https://ehr.example.org", "Access-Control-Request-Method": "GET"})
        assert ok.headers.get("access-control-allow-origin") == "https://ehr.example.org"
        other = local_client.get(f"{base}/cds-services", headers={"Origin": "https://evil.example.net"})
        assert "access-control-allow-origin" not in other.headers


def test_prefetch_bundle_entries_without_resource_type_are_400(tmp_path, local_client):
    config = ServiceConfig(insecure_no_auth=True, feedback_db=tmp_path / "fb.sqlite")
    with running(create_app(config, FakeReasoner())) as base:
        body = hook_body(prefetch={"patient": {"resourceType": "Patient", "id": "p1"},
                                   "condition": {"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]}})
        r = local_client.post(f"{base}/cds-services/fake-aav-patient-view", json=body)
        assert r.status_code == 400 and "entry[0].resource has no resourceType" in r.text
