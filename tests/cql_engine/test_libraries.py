"""Library-level behaviour: defines (memoised per context), parameters, functions and
overloads, includes (paths, FHIR Library JSON, registered and native libraries),
models, retrieves and terminology."""
from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine_fakes import FakeData, FakeModel, FakeTerminology
from fhirrules.cql.context import EvaluationContext
from fhirrules.cql.engine import CqlEngine
from fhirrules.cql.errors import CqlRuntimeError, CqlSemanticError
from fhirrules.cql.types.clinical import Code, ValueSetRef


def test_define_is_evaluated_once_per_context() -> None:
    calls: list[int] = []
    engine = CqlEngine()
    engine.register_native_library("Counter", "1", functions={"Tick": lambda: calls.append(1) or len(calls)})
    lib = engine.compile("library T\ninclude Counter version '1' called C\n"
                         "define A: C.Tick()\ndefine B: A + A\n")
    ctx = EvaluationContext()
    assert lib.evaluate(ctx) == {"A": 1, "B": 2}
    assert len(calls) == 1
    lib.evaluate(EvaluationContext())
    assert len(calls) == 2          # a fresh context evaluates again


def test_compile_is_cached_by_content() -> None:
    engine = CqlEngine()
    text = "library T\ndefine A: 1\n"
    assert engine.compile(text) is engine.compile(text)
    assert engine.compile(text).define_names == ["A"]


def test_parameters_defaults_and_typed_values() -> None:
    lib = CqlEngine().compile(
        "library T\nparameter Rate Decimal default 1.5\nparameter Start DateTime\n"
        "parameter Flag Boolean default false\n"
        "define R: Rate * 2\ndefine S: year from Start\ndefine F: Flag\n")
    assert lib.parameter_names == ["Rate", "Start", "Flag"]
    assert lib.evaluate_define("R", EvaluationContext()) == Decimal("3.0")
    ctx = EvaluationContext(parameters={"Rate": 2, "Start": "2024-03-01T00:00:00Z", "Flag": "true"})
    assert lib.evaluate_define("R", ctx) == Decimal(4)
    assert lib.evaluate_define("S", ctx) == 2024
    assert lib.evaluate_define("F", ctx) is True


def test_functions_overloads_recursion_and_fluent() -> None:
    lib = CqlEngine().compile("""library T
define function "Kind"(x Integer): 'integer'
define function "Kind"(x String): 'string'
define function "Kind"(x Decimal): 'decimal'
define function Fact(n Integer) returns Integer: if n <= 1 then 1 else n * Fact(n - 1)
define fluent function double(x Integer): x * 2
define function Half(x Decimal): x / 2
define A: "Kind"(1)
define B: "Kind"('a')
define C: "Kind"(1.5)
define D: Fact(5)
define E: 4.double()
define F: Half(3)
define G: ({ 1, 'a' }) L return "Kind"(L)
""")
    got = lib.evaluate(EvaluationContext())
    assert got == {"A": "integer", "B": "string", "C": "decimal", "D": 120, "E": 8,
                   "F": Decimal("1.5"), "G": ["integer", "string"]}


def test_unknown_function_is_a_semantic_error() -> None:
    with pytest.raises(CqlSemanticError, match="did you mean 'Abs'"):
        CqlEngine().compile("library T\ndefine A: Abss(1)\n")


def test_includes_from_paths_json_and_registration(tmp_path: Path) -> None:
    (tmp_path / "Common-1.0.0.cql").write_text(
        "library Common version '1.0.0'\ncodesystem \"SYS\": 'http://sys'\n"
        "code \"C1\": '1' from \"SYS\"\ndefine Ten: 10\ndefine private Secret: 1\n"
        "define function Add1(x Integer): x + 1\n")
    inner = "library FromJson version '2'\ndefine Two: 2\n"
    (tmp_path / "lib.json").write_text(json.dumps({
        "resourceType": "Library", "name": "FromJson", "version": "2",
        "content": [{"contentType": "text/cql", "data": base64.b64encode(inner.encode()).decode()}]}))
    engine = CqlEngine(library_paths=[tmp_path])
    engine.register_library("Mem", "1", "library Mem version '1'\ndefine Three: 3\n")
    lib = engine.compile("library Main\ninclude Common version '1.0.0' called C\n"
                         "include FromJson version '2'\ninclude Mem version '1'\n"
                         "define A: C.Ten + FromJson.Two + Mem.Three\ndefine B: C.Add1(1)\n"
                         "define D: C.\"C1\".code\n")
    assert lib.evaluate(EvaluationContext()) == {"A": 15, "B": 2, "D": "1"}
    with pytest.raises(CqlSemanticError, match="no public definition 'Secret'"):
        engine.compile("library M2\ninclude Common version '1.0.0' called C\ndefine X: C.Secret\n")
    with pytest.raises(CqlSemanticError, match="was not found"):
        engine.compile("library M3\ninclude Missing version '1'\ndefine X: 1\n")


def test_a_library_json_with_undecodable_cql_is_skipped_not_fatal(tmp_path: Path) -> None:
    # one broken Library resource in a library folder must not break every include
    (tmp_path / "bad.json").write_text(json.dumps({
        "resourceType": "Library", "name": "Bad",
        "content": ["not an attachment", {"contentType": "text/cql",
                                          "data": base64.b64encode(b"\xff\xfe").decode()}]}))
    (tmp_path / "Good.cql").write_text("library Good\ndefine One: 1\n")
    engine = CqlEngine(library_paths=[tmp_path])
    lib = engine.compile("library Main\ninclude Good\ndefine A: Good.One\n")
    assert lib.evaluate(EvaluationContext()) == {"A": 1}
    with pytest.raises(CqlSemanticError, match="was not found"):
        engine.compile("library M\ninclude Bad\ndefine X: 1\n")


def test_cql_from_fhir_library_reports_bad_content() -> None:
    from fhirrules.cql.library import cql_from_fhir_library
    ok = {"content": [{"contentType": "text/cql; charset=utf-8",
                       "data": base64.b64encode(b"library X").decode()}]}
    assert cql_from_fhir_library(ok) == "library X"
    assert cql_from_fhir_library({"content": [{"contentType": "text/cql-identifier", "data": "eA=="}]}) is None
    with pytest.raises(CqlSemanticError, match="lib.json: text/cql content is not base64"):
        cql_from_fhir_library({"content": [{"contentType": "text/cql", "data": "a"}]}, "lib.json")


def test_using_a_model_needs_a_provider() -> None:
    with pytest.raises(CqlSemanticError, match="no model provider is registered under 'FHIR'"):
        CqlEngine().compile("library T\nusing FHIR version '4.0.1'\ndefine X: 1\n")


def _fhir_lib(engine: CqlEngine, body: str) -> object:
    return engine.compile("library T\nusing FHIR version '4.0.1'\n"
                          "codesystem \"LOINC\": 'http://loinc.org'\n"
                          "valueset \"Creat\": 'http://vs/creat'\n"
                          "code \"Cr\": '2160-0' from \"LOINC\"\n"
                          "concept \"CrC\": { \"Cr\" }\n"
                          "context Patient\n" + body)


def test_retrieves_pass_codes_and_context() -> None:
    model = FakeModel()
    engine = CqlEngine(models={"FHIR": model})
    obs = [{"resourceType": "Observation", "code": {"system": "http://loinc.org", "code": "2160-0"},
            "value": {"resourceType": "Quantity", "value": 1.2, "unit": "mg/dL"}},
           {"resourceType": "Observation", "code": {"system": "http://loinc.org", "code": "9999-9"}}]
    term = FakeTerminology({"http://vs/creat": {("http://loinc.org", "2160-0")}})
    data = FakeData(obs, term)
    patient = {"resourceType": "Patient", "id": "p1"}
    lib = _fhir_lib(engine, "define All: [Observation]\n"
                            "define ByVs: [Observation: \"Creat\"]\n"
                            "define ByCode: [Observation: \"Cr\"]\n"
                            "define ByConcept: [Observation: code in \"CrC\"]\n"
                            "define Values: ByVs O return O.value\n"
                            "define Big: exists (ByVs O where O.value > 1 'mg/dL')\n"
                            "define Me: Patient\n")
    ctx = EvaluationContext(data=data, terminology=term, context_values={"Patient": patient},
                            models={"FHIR": model})
    got = lib.evaluate(ctx)
    assert len(got["All"]) == 2 and len(got["ByVs"]) == 1
    assert len(got["ByCode"]) == 1 and len(got["ByConcept"]) == 1
    assert got["Me"] is patient and got["Big"] is True
    by_vs = next(c for c in data.calls if isinstance(c["codes"], ValueSetRef))
    assert by_vs["data_type"] == "Observation" and by_vs["code_path"] == "code"
    assert by_vs["context"] == "Patient" and by_vs["context_value"] is patient
    by_code = [c for c in data.calls if isinstance(c["codes"], list)]
    assert all(isinstance(k, Code) and k.code == "2160-0" for c in by_code for k in c["codes"])


def test_in_valueset_goes_to_the_terminology_provider() -> None:
    engine = CqlEngine(models={"FHIR": FakeModel()})
    term = FakeTerminology({"http://vs/creat": {("http://loinc.org", "2160-0")}})
    lib = _fhir_lib(engine, "define A: \"Cr\" in \"Creat\"\n"
                            "define B: Code '1' from \"LOINC\" in \"Creat\"\n"
                            "define C: \"Cr\" in \"LOINC\"\n")
    assert lib.evaluate(EvaluationContext(terminology=term)) == {"A": True, "B": False, "C": True}
    with pytest.raises(CqlRuntimeError, match="terminology"):
        lib.evaluate_define("A", EvaluationContext())


def test_compile_expression_sees_the_library() -> None:
    engine = CqlEngine()
    lib = engine.compile("library T\nparameter P Integer default 2\ndefine A: 3\n")
    fn = engine.compile_expression("A * P + 1", library=lib)
    assert fn(EvaluationContext()) == 7
    assert fn(EvaluationContext(parameters={"P": 10})) == 31


def test_runtime_overload_applies_implicit_conversions() -> None:
    lib = CqlEngine().compile("""library T
define function F(x Decimal): 'decimal'
define function F(x String): 'string'
define A: ({ 1, 'a' }) L return F(L)
""")
    assert lib.evaluate_define("A", EvaluationContext()) == ["decimal", "string"]


def test_circular_defines_are_semantic_errors() -> None:
    with pytest.raises(CqlSemanticError, match="circular reference"):
        CqlEngine().compile("library T\ndefine A: B + 1\ndefine B: A + 1\n")


def test_age_functions_use_the_context_patient_and_now() -> None:
    from fhirrules.cql.compile_bridge import parse_temporal
    model = FakeModel()
    engine = CqlEngine(models={"FHIR": model})
    lib = _fhir_lib(engine, "define A: AgeInYears()\n"
                            "define B: AgeInYearsAt(@2000-01-01)\n"
                            "define C: CalculateAgeInMonths(@2020-01-15)\n")
    patient = {"resourceType": "Patient", "birthDate": parse_temporal("1980-06-15")}
    ctx = EvaluationContext(context_values={"Patient": patient}, now=parse_temporal("2020-06-15T10:00:00.000Z"),
                            models={"FHIR": model})
    assert lib.evaluate(ctx) == {"A": 40, "B": 19, "C": 5}


def test_date_arithmetic_types_and_nested_model_types() -> None:
    model = FakeModel()
    lib = _fhir_lib(CqlEngine(models={"FHIR": model}),
                    "define function InPeriod(p Interval<Date>): p contains @2020-01-15\n"
                    "define A: InPeriod(Interval[@2020-02-01 - 1 month, @2020-02-01])\n"
                    "define B: FHIR.CodeSystem.\"Concept\" { code: 'x' }\n"
                    "define C: CodeSystem { supplements: 'y' }\n")
    got = lib.evaluate(EvaluationContext(models={"FHIR": model}))
    assert got["A"] is True
    assert got["B"] == {"resourceType": "CodeSystem.Concept", "code": "x"}
    assert got["C"] == {"resourceType": "CodeSystem", "supplements": "y"}


def test_clock_accepts_text_and_python_datetimes() -> None:
    import datetime as dt
    lib = CqlEngine().compile("library T\ndefine Y: year from Now()\ndefine D: Today()\n")
    assert lib.evaluate_define("Y", EvaluationContext(now="2025-06-01T00:00:00Z")) == 2025
    ctx = EvaluationContext(now=dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.timezone.utc))
    assert lib.evaluate_define("D", ctx).cql_str() == "@2024-02-29"
    assert EvaluationContext().now.precision == "millisecond"


class DescribedModel(FakeModel):
    """A model that can describe its elements (the optional element_type hook)."""
    ELEMENTS = {"FHIR.Observation": {"code": "FHIR.CodeableConcept", "value": "FHIR.Quantity",
                                     "status": "System.String"}}

    def element_type(self, type_name: str, element: str):
        return self.ELEMENTS.get(type_name, {}).get(element) if type_name in self.ELEMENTS else "System.Any"

    def element_names(self, type_name: str):
        return list(self.ELEMENTS.get(type_name, {}))


def test_misspelt_model_elements_are_compile_errors_when_the_model_describes_them() -> None:
    engine = CqlEngine(models={"FHIR": DescribedModel()})
    _fhir_lib(engine, "define A: [Observation] O where O.status = 'final' return O.value\n")
    with pytest.raises(CqlSemanticError, match="FHIR.Observation has no element 'valu'; did you mean 'value'"):
        _fhir_lib(engine, "define A: [Observation] O return O.valu\n")
    with pytest.raises(CqlSemanticError, match="has no element 'stat'"):
        _fhir_lib(engine, "define A: [Observation].stat\n")


def test_value_set_expansion_explicit_and_as_a_query_source() -> None:
    engine = CqlEngine(models={"FHIR": FakeModel()})
    term = FakeTerminology({"http://vs/creat": {("http://loinc.org", "2160-0")}})
    lib = _fhir_lib(engine, "define A: ExpandValueSet(\"Creat\")\n"
                            "define B: \"Creat\" C return C.code\n")
    got = lib.evaluate(EvaluationContext(terminology=term))
    assert [(c.system, c.code) for c in got["A"]] == [("http://loinc.org", "2160-0")]
    assert got["B"] == ["2160-0"]


def test_expression_errors_point_into_the_expression_text() -> None:
    engine = CqlEngine()
    lib = engine.compile("library T\ndefine A: 3\ndefine B: 4\n")
    with pytest.raises(CqlSemanticError) as info:
        engine.compile_expression("A + Bee", library=lib)
    assert (info.value.line, info.value.col) == (1, 5)
    assert info.value.source_name == "<expression>" and info.value.source_line == "A + Bee"
    fn = engine.compile_expression("singleton from { A, B }", library=lib)
    with pytest.raises(CqlRuntimeError) as info2:
        fn(EvaluationContext())
    assert info2.value.source_line == "singleton from { A, B }"


def test_concurrent_compiles_do_not_see_each_other_as_include_cycles() -> None:
    import threading
    import time
    entered = threading.Event()

    class SlowResolver:
        def resolve(self, name: str, version: object) -> object:
            if name != "Slow":
                return None
            entered.set()
            time.sleep(0.3)          # thread A is inside 'Main' while thread B starts
            return "library Slow\ndefine One: 1\n"

    engine = CqlEngine(resolvers=[SlowResolver()])
    results: dict[str, object] = {}

    def compile_a() -> None:
        results["a"] = engine.compile("library Main\ninclude Slow\ndefine A: Slow.One\n")

    worker = threading.Thread(target=compile_a)
    worker.start()
    assert entered.wait(5)
    other = engine.compile("library Main version '2'\ndefine B: 2\n")     # same name, other text
    worker.join(5)
    assert other.evaluate(EvaluationContext()) == {"B": 2}
    assert results["a"].evaluate(EvaluationContext()) == {"A": 1}
