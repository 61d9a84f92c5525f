"""Library-level definitions and the realistic sample library."""
from __future__ import annotations

from pathlib import Path

import pytest

from fhirrules.cql import ast
from fhirrules.cql.errors import CqlSyntaxError
from fhirrules.cql.grammar import parse_library

from .helpers import I, M, T, n

DATA = Path(__file__).parent / "data"

HEADER = """
library "Demo.Lib" version '1.2'
using FHIR version '4.0.1'
include a.b.Common version '2' called C
include Other
codesystem "LOINC": 'http://loinc.org' version '2.7'
private codesystem SCT: 'http://snomed.info/sct'
valueset "VS": 'urn:oid:1.2' version '3' codesystems { "LOINC", C."SCT" }
code "Cr": '2160-0' from "LOINC" display 'Creatinine'
public code "X": 'x' from C.SCT
concept "K": { "Cr", C."Y" } display 'Kidney'
parameter "Period" Interval<DateTime> default Interval[@2020-01-01T, @2021-01-01T)
parameter Threshold Decimal
parameter NoType default 5
private parameter Flag Boolean
"""


def test_header_definitions() -> None:
    lib = parse_library(HEADER, "demo.cql")
    assert (lib.name, lib.version, lib.source_name) == ("Demo.Lib", "1.2", "demo.cql")
    assert lib.usings == [ast.UsingDef("FHIR", "4.0.1")]
    assert lib.includes == [ast.IncludeDef("a.b.Common", "2", "C"),
                            ast.IncludeDef("Other", None, "Other")]
    assert lib.codesystems == [ast.CodeSystemDef("LOINC", "http://loinc.org", "2.7"),
                               ast.CodeSystemDef("SCT", "http://snomed.info/sct", access="private")]
    assert lib.valuesets == [ast.ValueSetDef("VS", "urn:oid:1.2", "3",
                                             [I("LOINC"), M(I("C"), "SCT")])]
    assert lib.codes == [ast.CodeDef("Cr", "2160-0", I("LOINC"), "Creatinine"),
                         ast.CodeDef("X", "x", M(I("C"), "SCT"))]
    assert lib.concepts == [ast.ConceptDef("K", [I("Cr"), M(I("C"), "Y")], "Kidney")]
    assert [p.name for p in lib.parameters] == ["Period", "Threshold", "NoType", "Flag"]
    assert lib.parameters[0].type == ast.IntervalTypeSpec(T("DateTime"))
    assert lib.parameters[1] == ast.ParameterDef("Threshold", T("Decimal"))
    assert lib.parameters[2] == ast.ParameterDef("NoType", None, n(5))
    assert lib.parameters[3].access == "private"
    assert lib.includes[0].pos == (4, 1)


def test_statements_and_contexts() -> None:
    text = """
    define Unfiltered1: 1
    context Patient
    define "A": 2
    define private B: A
    define public fluent function "f"(x Integer, y List<FHIR.Observation>) returns Integer: x
    context FHIR.Practitioner
    define function g(): external
    define function "exists"(t Tuple { a Integer }): 3
    """
    lib = parse_library(text)
    assert lib.contexts == [ast.ContextDef("Patient"), ast.ContextDef("Practitioner", "FHIR")]
    stmts = lib.statements
    assert [(st.name, st.context, st.access) for st in stmts] == [
        ("Unfiltered1", None, "public"), ("A", "Patient", "public"), ("B", "Patient", "private"),
        ("f", "Patient", "public"), ("g", "Practitioner", "public"),
        ("exists", "Practitioner", "public")]
    f = stmts[3]
    assert f == ast.FunctionDef("f", [ast.OperandDef("x", T("Integer")),
                                      ast.OperandDef("y", ast.ListTypeSpec(T("Observation", "FHIR")))],
                                I("x"), T("Integer"), fluent=True, context="Patient")
    assert stmts[4].external and stmts[4].body is None
    assert stmts[5].operands[0].type == ast.TupleTypeSpec([("a", T("Integer"))])


def test_comments_are_ignored_and_positions_kept() -> None:
    text = "// line comment\n/* block\n comment */ define X: /* inline */ 'http://x//y'\n"
    lib = parse_library(text)
    stmt = lib.statements[0]
    assert stmt.expr == ast.Literal("String", "http://x//y")
    assert stmt.pos == (3, 13)
    assert stmt.expr.pos == (3, 36)


def test_empty_library() -> None:
    assert parse_library("") == ast.Library()
    assert parse_library("  // nothing\n") == ast.Library()


def test_sample_library_parses() -> None:
    text = (DATA / "RefractoryLupusSample.cql").read_text()
    lib = parse_library(text, "RefractoryLupusSample.cql")
    assert lib.name == "RefractoryLupusSample"
    assert len(lib.includes) == 2 and len(lib.valuesets) == 7 and len(lib.codes) == 5
    names = [st.name for st in lib.statements]
    assert len(names) == len(set(names)) == 44
    by_name = {st.name: st for st in lib.statements}
    trial = by_name["Mycophenolate Trial"].expr
    assert [r.kind for r in trial.relationships] == ["with", "without"]
    assert by_name["Native Score"].external
    assert by_name["toInterval"].fluent
    # every statement sits in the Patient context
    assert {st.context for st in lib.statements} == {"Patient"}


@pytest.mark.parametrize("text", [
    "define X 1",                      # missing ':'
    "define : 1",                      # missing name
    "define function F(: 1",           # bad operand list
    "library",                         # missing name
    "using FHIR version 4",            # version must be a string
    "valueset V: 'x' codesystems { }",
    "define X: 1 define",
    "context",
    "parameter P Integer default",
    "define X: 1\ndefine Y: (2",
])
def test_bad_libraries(text: str) -> None:
    with pytest.raises(CqlSyntaxError):
        parse_library(text)
