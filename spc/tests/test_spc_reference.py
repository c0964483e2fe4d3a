"""(a) every reference case, and (b) the rule primitives against the references' tables."""

import numpy as np
import pytest

from spc import analyse, anhoej, mdc
from spc.errors import SpcInputError

from .conftest import assert_matches, load_reference, reference_files

TABLES = {"ptd_rule_unit_vectors.json", "qic_anhoej_critical_values.json"}
CASES = [name for name in reference_files() if name not in TABLES] or ["<reference folder absent>"]


@pytest.mark.parametrize("name", CASES)
def test_reference_case(name):
    case = load_reference(name)
    assert_matches(case["expected"], analyse(case["request"]))


# ---- (b) rule primitives: NHSRplotthedots unit vectors ----


@pytest.fixture(scope="module")
def ptd():
    return load_reference("ptd_rule_unit_vectors.json")["expected"]


def _row(values, dtype=np.int8):
    return np.array([values], dtype=dtype)


def test_seven_point_one_side_mean(ptd):
    for case in ptd["seven_point_one_side_mean"]["cases"]:
        got = mdc.seven_point_one_side(_row(case["input"]))[0]
        assert [int(v != 0) for v in got] == case["expected"], case


def test_part_of_seven(ptd):
    for case in ptd["part_of_seven"]["cases"]:
        got = mdc.widen_back(_row(case["input"]) != 0, mdc.RUN)[0]
        assert [int(v) for v in got] == case["expected"], case


def test_seven_point_trend(ptd):
    for case in ptd["seven_point_trend"]["cases"]:
        got = mdc.seven_point_trend(_row(case["input"], np.float64))[0]
        assert [int(v) for v in got] == case["expected"], case


def test_two_in_three(ptd):
    for case in ptd["two_in_three"]["cases"]:
        got = mdc.two_in_three(_row(case["close"], bool), _row(case["side"]))[0]
        assert [int(v) for v in got] == case["expected"], case


def test_part_of_two_in_three(ptd):
    for case in ptd["part_of_two_in_three"]["cases"]:
        close = _row(case["close"], bool)
        got = (mdc.two_in_three(close, _row(case["side"])) & close)[0]
        assert [int(v) for v in got] == case["expected"], case


def test_assurance(ptd):
    names = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent", None: None}
    direction = {"increase": 1, "decrease": -1, "neutral": 0}
    for case in ptd["assurance"]["cases"]:
        for lpl, upl, want in zip(case["lpl"], case["upl"], case["expected"]):
            got = mdc.assurance(direction[case["improvement_direction"]], case["target"], lpl, upl)
            assert got == names[want], (case, lpl, upl)


def test_fix_after_n_points_validation(ptd):
    assert "12" in ptd["fix_after_n_points_validation"]
    values = list(range(30))
    with pytest.raises(SpcInputError, match=r"^request\.baseline_points: must be at least 12"):
        analyse({"chart": "xmr", "values": values, "baseline_points": 11})
    assert analyse({"chart": "xmr", "values": values, "baseline_points": 12})["groups"]


# ---- (b) Anhøj critical values (qicharts2 appendix 2) ----


def test_anhoej_critical_values():
    table = load_reference("qic_anhoej_critical_values.json")
    ns = table["input"]["n_useful"]
    expected = table["expected"]
    assert [anhoej.longest_run_max(n) for n in ns] == expected["longest_run_max"]
    assert [anhoej.crossings_min(n) for n in ns] == expected["n_crossings_min"]
    lit = expected["literal_from_source"]["n24"]
    assert anhoej.longest_run_max(24) == lit["longest_run_max"]
    assert anhoej.crossings_min(24) == lit["n_crossings_min"]


def test_crossings_min_large_n_agrees_between_exact_and_lgamma(monkeypatch):
    from fractions import Fraction

    monkeypatch.setattr(anhoej, "_EXACT_LIMIT", 10**9)
    for size in (150, 999, 5000, 5001, 12345):
        exact = anhoej.qbinom_half.__wrapped__(Fraction(1, 20), size)
        assert anhoej._qbinom_half_lgamma(0.05, size) == exact, size
    monkeypatch.undo()
    assert anhoej.crossings_min(12346) == anhoej._qbinom_half_lgamma(0.05, 12345)
