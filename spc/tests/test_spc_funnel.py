"""Funnel plots (CONTRACTS.md §4): exact binomial limits with interpolation (Spiegelhalter
2005, appendix A.1.1), proven against an independent computation in exact rational
arithmetic, plus the contract's edge cases and its bad inputs."""

import json
import math
from fractions import Fraction

import pytest

from spc import SpcInputError, analyse, analyse_batch
from spc.funnel import binom_pmf, limits

from .test_spc_cli import GOOD, assert_bad_input, call, run, write  # noqa: F401 (call: fixture)

# --- An independent reference: exact integers, no floating point until the end ------------


def exact_limit(n, theta, p):
    """Spiegelhalter's interpolated binomial quantile at probability p (a Fraction), divided
    by n and clipped to [0, 1], computed exactly: θ = a/d (the float's exact value), so
    P(X = k) = C(n, k) a^k b^(n−k) / d^n with b = d − a, all whole numbers."""
    a, d = Fraction(theta).as_integer_ratio()
    b = d - a
    scale = d**n
    pn, pd = p.as_integer_ratio()
    want = pn * scale  # F(k) >= p  <=>  cdf * pd >= pn * scale, in whole numbers
    term = b**n  # k = 0
    cdf = 0
    for k in range(n + 1):
        cdf += term
        if cdf * pd >= want:
            alpha = Fraction(cdf * pd - want, term * pd)
            return min(max((k - alpha) / n, Fraction(0)), Fraction(1))
        term = term * (n - k) * a // ((k + 1) * b)
    raise AssertionError("F(n) = 1 >= p always")


def exact_limits(n, theta, level):
    level = Fraction(level)
    return (float(exact_limit(n, theta, (1 - level) / 2)), float(exact_limit(n, theta, (1 + level) / 2)))


CASES = [
    (n, theta, level)
    for n in (1, 2, 3, 7, 40, 61, 137, 500)
    for theta in (0.001, 0.05, 0.3465346534653465, 0.5, 0.93)
    for level in (0.5, 0.95, 0.998, 0.999999)
] + [(3000, 0.2, 0.95), (3000, 0.2, 0.998), (2500, 0.0004, 0.998), (2000, 0.9991, 0.95)]


@pytest.mark.parametrize("n, theta, level", CASES)
def test_limits_equal_the_exact_binomial_method(n, theta, level):
    ((lower, upper),) = limits(n, theta, [level])
    want_lower, want_upper = exact_limits(n, theta, level)
    assert lower == pytest.approx(want_lower, abs=1e-9, rel=0)
    assert upper == pytest.approx(want_upper, abs=1e-9, rel=0)
    assert 0.0 <= lower <= upper <= 1.0


def test_the_contracts_example_through_analyse():
    req = {
        "chart": "funnel",
        "units": [
            {"id": "northvale", "numerator": 26, "denominator": 61},
            {"id": "eastbrook", "numerator": 9, "denominator": 40},
        ],
        "target": None,
        "levels": [0.95, 0.998],
        "improvement": "increase",
    }
    out = analyse(req)
    assert out["chart"] == "funnel"
    assert out["target"] == 35 / 101  # pooled: 35 of 101
    assert [u["id"] for u in out["units"]] == ["northvale", "eastbrook"]
    unit = out["units"][0]
    assert unit["proportion"] == 26 / 61
    assert [lim["level"] for lim in unit["limits"]] == [0.95, 0.998]
    for u in out["units"]:
        for lim in u["limits"]:
            lo, hi = exact_limits(u["denominator"], 35 / 101, lim["level"])
            assert lim["lower"] == pytest.approx(lo, abs=1e-9)
            assert lim["upper"] == pytest.approx(hi, abs=1e-9)
    assert unit["outside"] is None and unit["type"] == "common_cause"
    assert set(out) == {"chart", "target", "units"}
    assert set(unit) == {"id", "numerator", "denominator", "proportion", "limits", "outside", "type"}


def test_binomial_probabilities_are_accurate():
    for n, theta in ((10, 0.3), (61, 0.34), (2000, 0.001), (1000, 0.5)):
        a, d = Fraction(theta).as_integer_ratio()
        for k in sorted({0, 1, n // 3, int(n * theta), n - 1, n}):
            exact = Fraction(math.comb(n, k) * a**k * (d - a) ** (n - k), d**n)
            if exact > 1e-300:
                assert binom_pmf(k, n, theta) == pytest.approx(float(exact), rel=1e-12)


def test_large_units_are_quick_and_sane():
    ((lo, hi),) = limits(10**9, 0.3, [0.998])
    sd = math.sqrt(0.3 * 0.7 / 10**9)
    assert lo == pytest.approx(0.3 - 3.0902 * sd, abs=0.01 * sd)
    assert hi == pytest.approx(0.3 + 3.0902 * sd, abs=0.01 * sd)


def unit(uid, num, den):
    return {"id": uid, "numerator": num, "denominator": den}


def test_outside_is_the_largest_level_beyond_and_type_follows_improvement():
    units = [
        unit("mid", 30, 100),
        unit("high95", 40, 100),
        unit("high998", 50, 100),
        unit("low998", 12, 100),
        unit("zero", 0, 3),
    ]
    out = analyse({"chart": "funnel", "units": units, "target": 0.3, "improvement": "increase"})
    got = {u["id"]: (u["outside"], u["type"]) for u in out["units"]}
    assert got["mid"] == (None, "common_cause")
    assert got["high95"] == (0.95, "common_cause")  # beyond 95% only: still common cause
    assert got["high998"] == (0.998, "special_cause_improvement")
    assert got["low998"] == (0.998, "special_cause_concern")
    assert got["zero"] == (None, "common_cause")  # 0 is on the clipped lower limit, not beyond
    assert out["units"][4]["limits"][0]["lower"] == 0.0
    down = analyse({"chart": "funnel", "units": units, "target": 0.3, "improvement": "decrease"})
    assert [u["type"] for u in down["units"]][2:4] == ["special_cause_concern", "special_cause_improvement"]
    neutral = analyse({"chart": "funnel", "units": units, "target": 0.3})
    assert [u["type"] for u in neutral["units"]][2:4] == ["special_cause_neutral_high", "special_cause_neutral_low"]


def test_levels_in_the_order_given_and_the_default():
    units = [unit("a", 40, 100)]  # above the 95% limit (0.387), below the 99.8% one (0.442)
    out = analyse({"chart": "funnel", "units": units, "target": 0.3, "levels": [0.998, 0.8, 0.95]})
    lims = out["units"][0]["limits"]
    assert [lim["level"] for lim in lims] == [0.998, 0.8, 0.95]
    assert lims[1]["upper"] < lims[2]["upper"] < lims[0]["upper"]
    assert out["units"][0]["outside"] == 0.95 and out["units"][0]["type"] == "common_cause"
    default = analyse({"chart": "funnel", "units": units, "target": 0.3})
    assert [lim["level"] for lim in default["units"][0]["limits"]] == [0.95, 0.998]


def test_edge_units_size_one_and_all_or_nothing():
    out = analyse(
        {"chart": "funnel", "target": 0.5, "units": [unit("one", 1, 1), unit("none", 0, 1), unit("all", 20, 20)]}
    )
    one, none, every = out["units"]
    # n = 1, θ = 0.5: F(0) = 0.5, F(1) = 1. Upper p = 0.975: r = 1, α = 0.025 / 0.5, limit
    # 0.95; lower p = 0.025: r = 0, α = 0.475 / 0.5, limit −0.95 clipped to 0. With
    # interpolation even a unit of one is beyond the limits when it is 1.
    assert one["limits"][0] == {"level": 0.95, "lower": 0.0, "upper": pytest.approx(0.95)}
    assert one["limits"][1]["upper"] == pytest.approx(0.998)
    assert one["outside"] == 0.998 and none["outside"] is None
    assert every["outside"] == 0.998 and every["type"] == "special_cause_neutral_high"
    # whole numbers written as 26.0 are accepted and echoed as whole numbers
    assert analyse({"chart": "funnel", "target": 0.5, "units": [unit("x", 2.0, 4.0)]})["units"][0]["numerator"] == 2


def test_batches_mix_funnels_with_other_charts_in_order():
    funnel = {"chart": "funnel", "units": [unit("a", 3, 10), unit("b", 5, 10)]}
    batch = [GOOD, funnel, {"chart": "run", "values": [3, 1, 2]}, funnel]
    out = analyse_batch(batch)
    assert [r["chart"] for r in out] == ["xmr", "funnel", "run", "funnel"]
    assert out[0] == analyse(GOOD) and out[1] == analyse(funnel) == out[3]
    with pytest.raises(SpcInputError, match=r"^request\[2\]\.values\[1\]"):
        analyse_batch([funnel, GOOD, {"chart": "xmr", "values": [1, "x"]}])
    with pytest.raises(SpcInputError, match=r"^request\[1\]\.units\[0\]\.numerator"):
        analyse_batch([GOOD, {"chart": "funnel", "units": [unit("a", 11, 10)]}])


def test_cli_writes_the_funnel(tmp_path):
    req = {"chart": "funnel", "units": [unit("northvale", 26, 61), unit("eastbrook", 9, 40)]}
    proc = run(write(tmp_path, req))
    assert proc.returncode == 0 and proc.stderr == b""
    assert json.loads(proc.stdout) == analyse(req)
    proc = run(stdin=json.dumps([req, GOOD]).encode())
    assert [r["chart"] for r in json.loads(proc.stdout)] == ["funnel", "xmr"]


F = "funnel"


@pytest.mark.parametrize(
    "doc, message",
    [
        ({"chart": F}, "request.units: required"),
        ({"chart": F, "units": {}}, "request.units: expected a list"),
        ({"chart": F, "units": []}, "request.units: at least one"),
        ({"chart": F, "units": [7]}, "request.units[0]: expected an object"),
        ({"chart": F, "units": [{"numerator": 1, "denominator": 2}]}, "request.units[0].id: expected"),
        ({"chart": F, "units": [unit(5, 1, 2)]}, "request.units[0].id: expected"),
        ({"chart": F, "units": [unit("a", 1, 2), unit("a", 1, 3)]}, "request.units[1].id: 'a' is used"),
        ({"chart": F, "units": [unit("a", 1, 0)]}, "request.units[0].denominator: must be between 1"),
        ({"chart": F, "units": [unit("a", 1, 2.5)]}, "request.units[0].denominator: expected a whole"),
        ({"chart": F, "units": [unit("a", 1, True)]}, "request.units[0].denominator: expected a whole"),
        ({"chart": F, "units": [unit("a", 1, 10**12)]}, "request.units[0].denominator: must be between"),
        ({"chart": F, "units": [unit("a", "1", 2)]}, "request.units[0].numerator: expected a whole"),
        ({"chart": F, "units": [unit("a", 3, 2)]}, "request.units[0].numerator: must be between 0"),
        ({"chart": F, "units": [unit("a", -1, 2)]}, "request.units[0].numerator: must be between 0"),
        ({"chart": F, "units": [unit("a", 1, 2)], "target": 0}, "request.target: expected a number strictly"),
        ({"chart": F, "units": [unit("a", 1, 2)], "target": 1}, "request.target: expected a number strictly"),
        ({"chart": F, "units": [unit("a", 1, 2)], "target": "0.3"}, "request.target: expected"),
        ({"chart": F, "units": [unit("a", 0, 2), unit("b", 0, 3)]}, "request.target: the pooled proportion is 0"),
        ({"chart": F, "units": [unit("a", 2, 2)]}, "request.target: the pooled proportion is 1"),
        ({"chart": F, "units": [unit("a", 1, 2)], "levels": []}, "request.levels: expected a non-empty"),
        ({"chart": F, "units": [unit("a", 1, 2)], "levels": 0.95}, "request.levels: expected a non-empty"),
        (
            {"chart": F, "units": [unit("a", 1, 2)], "levels": [0.95, 1]},
            "request.levels[1]: expected a number strictly",
        ),
        ({"chart": F, "units": [unit("a", 1, 2)], "levels": [0]}, "request.levels[0]: expected"),
        ({"chart": F, "units": [unit("a", 1, 2)], "improvement": "up"}, "request.improvement: expected"),
        ([GOOD, {"chart": F, "units": [unit("a", 1, 2)], "levels": [2]}], "request[1].levels[0]: expected"),
    ],
)
def test_bad_funnel_input_exits_2_with_one_line(tmp_path, call, doc, message):  # noqa: F811
    assert_bad_input(call(write(tmp_path, doc)), message)


def test_bad_funnel_input_from_the_real_command(tmp_path):
    assert_bad_input(
        run(write(tmp_path, {"chart": F, "units": [unit("a", 3, 2)]})), "request.units[0].numerator: must be between 0"
    )
