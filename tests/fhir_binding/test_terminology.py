"""Value sets from files and from a (mocked) terminology server."""
from __future__ import annotations

import json

import httpx
import pytest

from fhirrules.cql.errors import CqlRuntimeError
from fhirrules.cql.types.clinical import Code, CodeSystemRef, Concept, ValueSetRef
from fhirrules.fhir.terminology import RemoteTerminology, Terminology
from fhirrules.fhir.values import FhirElement

EXPANDED = {"resourceType": "ValueSet", "id": "cyc", "url": "http://ex.org/vs/cyc", "version": "1",
            "expansion": {"contains": [
                {"system": "rx", "code": "3002", "display": "cyclophosphamide"},
                {"abstract": True, "display": "group", "contains": [{"system": "rx", "code": "999", "version": "2024"}]}]}}
CS = {"resourceType": "CodeSystem", "url": "http://ex.org/cs", "version": "3", "content": "complete",
      "concept": [{"code": "A", "concept": [{"code": "A1"}]}, {"code": "B"}]}
COMPOSED = {"resourceType": "ValueSet", "url": "http://ex.org/vs/composed", "compose": {
    "include": [{"system": "http://ex.org/cs"}, {"system": "http://loinc.org", "concept": [{"code": "2160-0"}]}],
    "exclude": [{"system": "http://ex.org/cs", "concept": [{"code": "B"}]}]}}
IMPORTS = {"resourceType": "ValueSet", "url": "http://ex.org/vs/imports",
           "compose": {"include": [{"valueSet": ["http://ex.org/vs/cyc"]}]}}
FILTERED = {"resourceType": "ValueSet", "url": "http://ex.org/vs/filtered", "compose": {
    "include": [{"system": "http://snomed.info/sct", "filter": [{"property": "concept", "op": "is-a", "value": "1"}]}]}}


@pytest.fixture
def term(tmp_path):
    (tmp_path / "vs").mkdir()
    (tmp_path / "vs" / "cyc.json").write_text(json.dumps(EXPANDED))
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": r} for r in (CS, COMPOSED, IMPORTS, FILTERED)]}
    (tmp_path / "vs" / "bundle.json").write_text(json.dumps(bundle))
    return Terminology.load(tmp_path / "vs")


def test_expansion_contains_nested(term):
    vs = ValueSetRef("http://ex.org/vs/cyc")
    assert term.in_valueset(Code("3002", "rx"), vs)
    assert term.in_valueset(Code("999", "rx"), vs)
    assert not term.in_valueset(Code("3002", "other"), vs)
    assert term.in_valueset(Concept([Code("x", "y"), Code("3002", "rx")]), vs)
    assert term.in_valueset(FhirElement("FHIR.Coding", {"system": "rx", "code": "3002"}), vs)
    assert term.in_valueset(None, vs) is False
    assert sorted(c.code for c in term.expand(vs)) == ["3002", "999"]
    assert term.in_valueset(Code("3002", "rx"), ValueSetRef("cyc"))          # by id too
    assert term.in_valueset(Code("3002", "rx"), ValueSetRef("http://ex.org/vs/cyc", "1"))


def test_versioned_codes(term):
    vs = ValueSetRef("http://ex.org/vs/cyc")
    assert term.in_valueset(Code("999", "rx", version="2024"), vs)
    assert not term.in_valueset(Code("999", "rx", version="2023"), vs)
    assert term.in_valueset(Code("3002", "rx", version="anything"), vs)   # expansion without version


def test_compose_with_local_codesystem_and_exclude(term):
    codes = {(c.system, c.code) for c in term.expand(ValueSetRef("http://ex.org/vs/composed"))}
    assert codes == {("http://ex.org/cs", "A"), ("http://ex.org/cs", "A1"), ("http://loinc.org", "2160-0")}
    assert {c.code for c in term.expand(ValueSetRef("http://ex.org/vs/imports"))} == {"3002", "999"}


def test_unexpandable_value_sets_are_reported(term):
    with pytest.raises(CqlRuntimeError, match="filtered.*filter"):
        term.in_valueset(Code("1", "http://snomed.info/sct"), ValueSetRef("http://ex.org/vs/filtered"))
    with pytest.raises(CqlRuntimeError, match="not found"):
        term.expand(ValueSetRef("http://ex.org/vs/missing"))


def test_codesystem_membership(term):
    assert term.in_codesystem(Code("A1", "http://ex.org/cs"), CodeSystemRef("http://ex.org/cs"))
    assert not term.in_codesystem(Code("Z", "http://ex.org/cs"), CodeSystemRef("http://ex.org/cs"))
    assert not term.in_codesystem(Code("A", "http://ex.org/cs"), CodeSystemRef("http://ex.org/cs", "9"))
    assert term.in_codesystem(Code("x", "http://loinc.org"), CodeSystemRef("http://loinc.org"))


def test_adding_a_resource_refreshes_cached_expansions(term):
    imports = ValueSetRef("http://ex.org/vs/imports")
    assert {c.code for c in term.expand(imports)} == {"3002", "999"}           # now cached
    term.add({**EXPANDED, "version": None, "expansion": {"contains": [{"system": "rx", "code": "42"}]}})
    assert {c.code for c in term.expand(imports)} == {"42"}
    cs = CodeSystemRef("http://ex.org/cs")
    assert not term.in_codesystem(Code("C", "http://ex.org/cs"), cs)
    term.add({**CS, "version": None, "concept": [{"code": "C"}]})
    assert term.in_codesystem(Code("C", "http://ex.org/cs"), cs)


def test_remote_expand_is_paged_and_cached(httpx_mock):
    base = "https://tx.example.org/fhir"
    page1 = {"resourceType": "ValueSet", "expansion": {"total": 3, "contains": [
        {"system": "s", "code": "1"}, {"system": "s", "code": "2"}]}}
    page2 = {"resourceType": "ValueSet", "expansion": {"total": 3, "contains": [{"system": "s", "code": "3"}]}}
    httpx_mock.add_response(url=httpx.URL(f"{base}/ValueSet/$expand",
                                          params={"url": "http://vs/remote", "count": 2, "offset": 0}), json=page1)
    httpx_mock.add_response(url=httpx.URL(f"{base}/ValueSet/$expand",
                                          params={"url": "http://vs/remote", "count": 2, "offset": 2}), json=page2)
    term = Terminology(remote=RemoteTerminology(base, token="t0k", page_size=2))
    vs = ValueSetRef("http://vs/remote")
    assert term.in_valueset(Code("3", "s"), vs)
    assert not term.in_valueset(Code("4", "s"), vs)      # second call served from the cache
    requests = httpx_mock.get_requests()
    assert len(requests) == 2 and requests[0].headers["Authorization"] == "Bearer t0k"


def test_remote_validate_code_when_expand_fails(httpx_mock):
    base = "https://tx.example.org/fhir"
    httpx_mock.add_response(method="GET", url=httpx.URL(f"{base}/ValueSet/$expand", params={
        "url": "http://vs/big", "count": 1000, "offset": 0}), status_code=422)
    httpx_mock.add_response(method="GET", url=httpx.URL(f"{base}/ValueSet/$validate-code", params={
        "url": "http://vs/big", "code": "1", "system": "s"}),
        json={"resourceType": "Parameters", "parameter": [{"name": "result", "valueBoolean": True}]})
    term = Terminology(remote=RemoteTerminology(base))
    assert term.in_valueset(Code("1", "s"), ValueSetRef("http://vs/big")) is True
