"""FHIRPath: parsing, navigation over typed FHIR JSON, collection semantics, functions."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fhirrules.cql.errors import CqlError, CqlRuntimeError, CqlSemanticError, CqlSyntaxError
from fhirrules.fhir.fhirpath import evaluate_fhirpath, to_plain
from fhirrules.fhir.fhirpath.parser import parse_fhirpath

PATIENT = {
    "resourceType": "Patient", "id": "p1", "active": True, "birthDate": "1974-12-25",
    "_birthDate": {"extension": [{"url": "http://example.org/birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
    "name": [{"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
             {"use": "usual", "given": ["Jim"]}],
    "gender": "male",
}
OBSERVATION = {
    "resourceType": "Observation", "id": "o1", "status": "final",
    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
    "valueQuantity": {"value": Decimal("72.5"), "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"},
}


def fp(expr: str, resource=PATIENT, **kw):
    return to_plain(evaluate_fhirpath(expr, resource, **kw))


def test_navigation_flattens_repeating_elements():
    assert fp("Patient.name.given") == ["Peter", "James", "Jim"]
    assert fp("name.where(use = 'official').family") == ["Chalmers"]


def test_choice_type_resolves_by_suffix_and_type_tests_work():
    assert fp("Observation.value.value", OBSERVATION) == [Decimal("72.5")]
    assert fp("Observation.value.is(Quantity)", OBSERVATION) == [True]
    assert fp("Observation.value is string", OBSERVATION) == [False]
    assert fp("Observation.value.ofType(Quantity).unit", OBSERVATION) == ["kg"]


def test_primitive_extension_is_reachable():
    assert fp("birthDate.extension('http://example.org/birthTime').exists()") == [True]


def test_empty_propagates_and_equality_of_collections():
    assert fp("Patient.deceased = true") == []
    assert fp("name.given = ('Peter' | 'James' | 'Jim')") == [True]
    assert fp("name.given ~ ('Jim' | 'James' | 'Peter')") == [True]
    assert fp("{} = {}") == []


def test_three_valued_logic_with_empty():
    assert fp("true or {}") == [True]
    assert fp("false and {}") == [False]
    assert fp("{} implies false") == []
    assert fp("false implies {}") == [True]


def test_functions_over_collections():
    assert fp("name.given.count()") == [3]
    assert fp("name.given.first()") == ["Peter"]
    assert fp("name.given.skip(1).take(1)") == ["James"]
    assert fp("(1 | 2 | 2 | 3).count()") == [3]
    assert fp("(1 | 2 | 3).aggregate($this + $total, 0)") == [6]
    assert fp("name.select(given.first())") == ["Peter", "Jim"]


def test_strings_and_conversions():
    assert fp("'abcdef'.substring(2, 3)") == ["cde"]
    assert fp("'1.5'.toDecimal() + 1") == [Decimal("2.5")]
    assert fp("'abc'.toInteger()") == []
    assert fp("'abc'.convertsToInteger()") == [False]
    assert fp("'a,b,c'.split(',').count()") == [3]


def test_strict_mode_reports_unknown_elements():
    assert fp("name.given1") == []
    with pytest.raises(CqlSemanticError):
        fp("name.given1", strict=True)


def test_syntax_error_names_line_and_column():
    with pytest.raises(CqlSyntaxError) as err:
        parse_fhirpath("name.where(\n  use = )")
    assert err.value.line == 2 and err.value.col == 9
    assert "2:9" in str(err.value)


def test_unknown_function_is_an_engine_error():
    with pytest.raises(CqlError):
        fp("name.frobnicate()")


def test_is_honours_primitive_specialisation_but_as_and_oftype_do_not():
    assert fp("gender.is(string)") == [True]
    assert fp("gender.is(id)") == [False]
    assert fp("gender.as(string)") == []
    assert fp("gender.ofType(code)") == ["male"]


def test_primitive_list_with_shorter_extension_list():
    patient = {"resourceType": "Patient", "name": [{"given": [None, "James"],
               "_given": [{"extension": [{"url": "http://x", "valueString": "five"}]}]}]}
    assert fp("Patient.name.given.select($this.hasValue())", patient) == [False, True]
    assert fp("Patient.name.given.count()", patient) == [2]


@pytest.mark.parametrize("expr", ["'x'.matches('(')", "'x'.matchesFull('[a')", "'x'.replaceMatches('[', 'y')"])
def test_a_bad_regular_expression_is_the_engines_error(expr):
    with pytest.raises(CqlRuntimeError, match="invalid regular expression"):
        fp(expr)


def test_regex_functions_share_the_java_translation():
    # Java named groups and \p{Alpha} are translated as in CQL Matches()
    assert fp("'ab12'.matches('^(?<w>\\\\p{Alpha}+)\\\\d+$')") == [True]
    assert fp("'a\nb'.matches('a.b')") == [True]          # '.' spans newlines in FHIRPath


# deeper than any recursion limit the CQL parser sets (it raises the process's limit)
@pytest.mark.parametrize("expr", ["(" * 30000 + "1" + ")" * 30000, "-" * 30000 + "1"],
                         ids=["parentheses", "unary-minus"])
def test_too_deep_nesting_is_a_syntax_error_not_a_crash(expr):
    with pytest.raises(CqlSyntaxError, match="nested too deeply"):
        evaluate_fhirpath(expr, PATIENT)
