"""Three-valued logic and the nullological operators."""
from __future__ import annotations

import pytest

from fhirrules.cql.operators.logical import And, Implies, Not, Or, Xor
from fhirrules.cql.operators.nullological import Coalesce, IsFalse, IsNull, IsTrue

T, F, N = True, False, None


@pytest.mark.parametrize("a,b,and_,or_,xor,implies", [
    (T, T, T, T, F, T), (T, F, F, T, T, F), (T, N, N, T, N, N),
    (F, T, F, T, T, T), (F, F, F, F, F, T), (F, N, F, N, N, T),
    (N, T, N, T, N, T), (N, F, F, N, N, N), (N, N, N, N, N, N),
])
def test_truth_tables(a, b, and_, or_, xor, implies) -> None:
    assert And(a, b) is and_
    assert Or(a, b) is or_
    assert Xor(a, b) is xor
    assert Implies(a, b) is implies


def test_not() -> None:
    assert Not(True) is False and Not(False) is True and Not(None) is None


def test_coalesce() -> None:
    assert Coalesce("a", None) == "a"
    assert Coalesce(None, "a") == "a"
    assert Coalesce([]) is None
    assert Coalesce([None, None, "a"]) == "a"
    assert Coalesce(["a"], None, None) == ["a"]


def test_is_null_true_false() -> None:
    assert IsNull(None) and not IsNull("") and not IsNull(0)
    assert IsTrue(True) and not IsTrue(None) and not IsTrue(False)
    assert IsFalse(False) and not IsFalse(None) and not IsFalse(True)
