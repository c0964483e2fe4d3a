"""(c) Constructed cases for every rule and edge the references leave implicit."""

import math

import pytest

from spc import analyse, analyse_batch


def xmr(values, **options):
    return analyse({"chart": "xmr", "values": values, **options})


def rules(result):
    return [p["rule"] for p in result["points"]]


def types(result):
    return [p["type"] for p in result["points"]]


# ---- the centre line ----

ABOVE = [12, 14] * 3
ON_MEAN = ABOVE + [10] + ABOVE + [4, 6, 4, 6, 4, 6, 4]  # mean exactly 10


def test_point_exactly_on_the_mean_breaks_a_shift():
    r = xmr(ON_MEAN)
    assert r["groups"][0]["centre"] == 10.0
    assert r["points"][6]["side"] == 0
    assert "shift" not in rules(r)[:13]
    # the same 13 points with the middle one just above the mean do make a shift
    above = list(ON_MEAN)
    above[6] = 11
    assert rules(xmr(above))[:13].count("shift") == 7  # the rest are two_in_three


def test_mean_is_exactly_rounded_like_r():
    # naive (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004; R's mean() gives exactly 0.2
    r = xmr([0.1, 0.2, 0.3])
    assert r["groups"][0]["centre"] == 0.2
    assert [p["side"] for p in r["points"]] == [-1, 0, 1]
    run = analyse({"chart": "i", "values": [0.1, 0.2, 0.3]})
    assert run["groups"][0]["runs"]["n_useful"] == 2


def test_run_chart_skips_points_on_the_median():
    values = [5, 1, 5, 9, 5, 1, 9, 5]
    r = analyse({"chart": "run", "values": values})
    g = r["groups"][0]
    assert g["centre"] == 5
    assert g["runs"]["n_useful"] == 4  # 1, 9, 1, 9
    assert g["runs"]["crossings"] == 3
    assert [p["side"] for p in r["points"]] == [0, -1, 0, 1, 0, -1, 1, 0]


# ---- trends ----

BASE = [10, 11] * 10  # 20 points of common cause around 10.5


def _with(values, at, block):
    out = list(values)
    out[at : at + len(block)] = block
    return out


def test_seven_rising_points_make_a_trend():
    r = xmr(_with(BASE, 6, [9.6, 9.9, 10.2, 10.5, 10.8, 11.1, 11.4]))
    assert rules(r)[6:13] == ["trend"] * 7
    assert rules(r)[5] is None and rules(r)[13] is None


def test_a_tie_breaks_a_trend():
    r = xmr(_with(BASE, 6, [9.6, 9.9, 10.2, 10.2, 10.5, 10.8, 11.1, 11.4]))
    assert "trend" not in rules(r)


def test_six_rising_points_are_not_a_trend():
    r = xmr(_with(BASE, 6, [9.6, 9.9, 10.2, 10.5, 10.8, 11.1]))
    assert "trend" not in rules(r)


def test_trend_direction_comes_from_the_slope_not_the_side():
    # a rising trend entirely below the mean is still "Increasing": improvement for increase
    values = _with(BASE, 6, [9.0, 9.1, 9.2, 9.3, 9.4, 9.5, 9.6])
    r = xmr(values, improvement="increase")
    assert all(p["side"] == -1 for p in r["points"][6:13])
    assert types(r)[6:13] == ["special_cause_improvement"] * 7
    assert types(xmr(values, improvement="decrease"))[6:13] == ["special_cause_concern"] * 7
    assert types(xmr(values))[6:13] == ["special_cause_neutral_high"] * 7  # neutral default


def test_falling_trend_types():
    values = _with(BASE, 6, [11.6, 11.4, 11.2, 11.0, 10.8, 10.6, 10.4])
    assert types(xmr(values, improvement="increase"))[6:13] == ["special_cause_concern"] * 7
    assert types(xmr(values, improvement="neutral"))[6:13] == ["special_cause_neutral_low"] * 7


def test_back_to_back_trends_with_a_tie_read_decreasing_like_the_reference():
    # R labels the last point of a rising trend "Decreasing" when the next point starts a
    # new trend after a tie (it takes the diff on the right, 0, which is not "== 1")
    values = [2, 16] * 3 + [6, 7, 8, 9, 10, 11, 12] + [12, 13, 14, 15, 16, 17, 18] + [2, 16]
    r = xmr(values, improvement="increase", screen_outliers=False)
    assert rules(r)[6:20] == ["trend"] * 14
    assert r["points"][12]["type"] == "special_cause_concern"
    assert types(r)[6:12] == ["special_cause_improvement"] * 6
    assert types(r)[13:20] == ["special_cause_improvement"] * 7


# ---- limits: strict comparisons ----


def test_value_exactly_on_a_limit_is_not_outside():
    # baseline of 12 alternating points: mean 0, MR 2, limits exactly +-5.32
    base = [1, -1] * 6
    r = xmr(base + [5.32, -5.32, math.nextafter(5.32, 10), math.nextafter(-5.32, -10)], baseline_points=12)
    g = r["groups"][0]
    assert (g["centre"], g["lower"], g["upper"]) == (0.0, -5.32, 5.32)
    assert [p["outside"] for p in r["points"][12:]] == [False, False, True, True]
    assert rules(r)[12:] == [None, None, "outside", "outside"]


def test_c_chart_value_on_the_limit():
    r = analyse({"chart": "c", "values": [4, 4, 4, 4, 10, 11, 0], "baseline_points": 4})
    g = r["groups"][0]
    assert (g["centre"], g["lower"], g["upper"]) == (4.0, 0.0, 10.0)
    assert [p["outside"] for p in r["points"]] == [False] * 5 + [True, False]
    assert types(r)[5] == "special_cause"


def test_screening_drops_large_moving_ranges_once():
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    screened = xmr(values)["groups"][0]
    unscreened = xmr(values, screen_outliers=False)["groups"][0]
    assert screened["centre"] == unscreened["centre"]  # the mean keeps the outlier
    assert math.isclose(screened["upper"], 4.604444444444444, rel_tol=1e-12)
    assert unscreened["upper"] > screened["upper"]
    # the I chart screens only when asked (qicharts2 option qic.screenedmr)
    i_default = analyse({"chart": "i", "values": values})["groups"][0]
    width = (unscreened["upper"] - unscreened["centre"]) / 2.66 * 3 / 1.128
    assert i_default["upper"] == pytest.approx(unscreened["centre"] + width, rel=1e-12)


def test_all_equal_values():
    # every MR is 0, so "MR < 3.267 x 0" would screen them all and leave no limits (R gives
    # NaN); with nothing to screen, Tandem keeps the limits at the mean
    for screen in (True, False):
        r = xmr([5] * 15, screen_outliers=screen)
        g = r["groups"][0]
        assert g["lower"] == g["centre"] == g["upper"] == 5
        assert set(rules(r)) == {None} and r["variation"] == "common_cause"
    g = analyse({"chart": "i", "values": [0] * 5, "screen_outliers": True})["groups"][0]
    assert g["lower"] == g["centre"] == g["upper"] == 0


# ---- two-in-three and precedence (limits fixed by a 12-point baseline) ----
# baseline [12, 10] x 6: mean 11, mean MR 2, limits 11 -+ 5.32, near limits 11 -+ 3.5467

FIXED = [12, 10] * 6


def fixed(tail, **options):
    r = xmr(FIXED + tail, baseline_points=12, **options)
    g = r["groups"][0]
    assert (g["centre"], g["lower"], g["upper"]) == (11, 11 - 5.32, 11 + 5.32)
    return r, rules(r)[12:]


def test_two_in_three_needs_all_three_on_one_side():
    _, got = fixed([11.5, 15, 12, 15, 11.5])
    assert got == [None, "two_in_three", None, "two_in_three", None]
    _, got = fixed([11.5, 15, 9, 15, 11.5])
    assert "two_in_three" not in got
    _, got = fixed([11.5, 15, 12, 12, 15])  # close points 3 apart: no window holds both
    assert "two_in_three" not in got
    r, got = fixed([7, 6.5, 11.5], improvement="increase")
    assert got == ["two_in_three", "two_in_three", None]
    assert types(r)[12:14] == ["special_cause_concern"] * 2


def test_points_beyond_the_limits_do_not_count_towards_two_in_three():
    _, got = fixed([15, 17, 12])
    assert got == [None, "outside", None]


def test_precedence_outside_over_trend_over_two_in_three_over_shift():
    """The references' precedence (NHSRplotthedots, ptd_rule_unit_vectors.json
    special_cause_precedence): per point, the first rule that matches wins."""
    # rising 7 (a trend), all above the mean (a shift), the last beyond the limit
    _, got = fixed([11.5, 12, 12.5, 13, 13.5, 14, 17])
    assert got == ["trend"] * 6 + ["outside"]
    # seven above the mean (a shift), no trend, the last beyond the limit: outside wins over the shift
    _, got = fixed([12, 12, 12, 12, 12, 12, 17])
    assert got == ["shift"] * 6 + ["outside"]
    # a trend whose last three points are close to the limit: trend wins over 2-in-3
    _, got = fixed([11.5, 12, 12.5, 13, 14.6, 14.8, 15])
    assert got == ["trend"] * 7
    # seven above the mean with two close points: 2-in-3 wins over the shift
    _, got = fixed([12, 15, 12, 15, 12, 12, 12])
    assert got == ["shift", "two_in_three", "shift", "two_in_three", "shift", "shift", "shift"]


def test_shift_of_seven_flags_all_seven():
    _, got = fixed([11.5] * 7 + [10, 12])
    assert got == ["shift"] * 7 + [None, None]
    _, got = fixed([11.5] * 6 + [10, 12])
    assert "shift" not in got
    r, got = fixed([10.5] * 8, improvement="increase")
    assert got == ["shift"] * 8 and set(types(r)[12:]) == {"special_cause_concern"}


# ---- groups: rebase and short groups ----


def test_short_group_flag():
    assert xmr(list(range(12)))["groups"][0]["short"] is True
    assert xmr(list(range(13)))["groups"][0]["short"] is False
    assert analyse({"chart": "i", "values": [1, 2]})["groups"][0]["short"] is None


def test_rebase_with_a_short_last_group():
    values = [10, 11] * 9 + [20, 22]
    r = xmr(values, rebase_at=[18], target=21, improvement="increase")
    g0, g1 = r["groups"]
    assert (g0["first_index"], g0["n"], g1["first_index"], g1["n"]) == (0, 18, 18, 2)
    assert g1["short"] is True and g1["centre"] == 21
    assert g1["upper"] == 21 + 2.66 * 2
    assert [p["group"] for p in r["points"]] == [0] * 18 + [1] * 2
    assert r["points"][19]["centre"] == 21
    assert r["assurance"] == "inconsistent"  # against the last group's limits


def test_rules_do_not_cross_a_rebase():
    values = [10, 11] * 5 + [11.5] * 4 + [11.5] * 4 + [10, 11] * 3
    whole = xmr(values, screen_outliers=False)
    assert rules(whole)[10:18] == ["shift"] * 8
    split = xmr(values, rebase_at=[14], screen_outliers=False)
    assert "shift" not in rules(split)[10:18]


def test_single_point_group_has_no_limits():
    r = xmr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 40], rebase_at=[12], target=1, improvement="increase")
    g = r["groups"][1]
    assert g["centre"] == 40 and g["lower"] is None and g["upper"] is None
    assert r["points"][12]["side"] == 0 and r["points"][12]["outside"] is False
    assert r["assurance"] is None


def test_rebase_index_zero_and_duplicates_change_nothing():
    values = [3, 5, 4, 6, 5, 7, 6, 8]
    assert xmr(values, rebase_at=[0, 0]) == xmr(values)
    assert xmr(values, rebase_at=[4, 4, 0]) == xmr(values, rebase_at=[4])


# ---- missing values and exclude ----


def test_missing_values_are_kept_and_skipped():
    values = [10, 11] * 5 + [11.5, 11.5, None, 11.5, 11.5, 11.5, 11.5, 11.5] + [10, 11]
    r = xmr(values, screen_outliers=False)
    miss = r["points"][12]
    assert miss["value"] is None and miss["side"] is None and miss["type"] is None
    assert miss["rule"] is None and miss["outside"] is False
    assert miss["centre"] == r["groups"][0]["centre"]
    # seven non-missing points above the mean around the gap still make a shift
    assert [rules(r)[i] for i in (10, 11, 13, 14, 15, 16, 17)] == ["shift"] * 7
    present = [v for v in values if v is not None]
    assert r["groups"][0]["centre"] == xmr(present)["groups"][0]["centre"]


def test_missing_value_removes_both_its_moving_ranges():
    r = xmr([0, 10, None, 10, 0], screen_outliers=False)
    # MRs: 10, (missing), (missing), 10 -> mean MR 10
    assert r["groups"][0]["upper"] == pytest.approx(5 + 26.6)


def test_last_point_missing_variation_uses_last_present_point():
    values = [10, 11] * 6 + [30, None]
    r = xmr(values, improvement="decrease")
    assert r["points"][-1]["type"] is None
    assert r["variation"] == "special_cause_concern"
    assert xmr([None, None])["variation"] is None


def test_exclude_keeps_the_point_but_not_in_the_limits():
    values = [10, 11] * 7 + [30] + [10, 11] * 2
    full = xmr(values)
    excl = xmr(values, exclude=[14])
    rest = [v for i, v in enumerate(values) if i != 14]
    assert excl["groups"][0]["centre"] == xmr(rest)["groups"][0]["centre"]
    assert excl["groups"][0]["upper"] < full["groups"][0]["upper"]
    p = excl["points"][14]
    assert p["value"] == 30 and p["outside"] and p["rule"] == "outside"
    assert excl["points"][14]["type"] == "special_cause_neutral_high"


def test_excluded_points_do_not_break_a_shift():
    values = [10, 11] * 5 + [11.5] * 3 + [8] + [11.5] * 4 + [10, 11]
    r = xmr(values, exclude=[13], screen_outliers=False)
    assert [rules(r)[i] for i in (10, 11, 12, 14, 15, 16, 17)] == ["shift"] * 7
    assert rules(r)[13] in (None, "outside")


def test_c_chart_exclude_and_freeze_from_montgomery_shape():
    values = [4, 5, 30, 4, 5, 4, 5, 4]
    r = analyse({"chart": "c", "values": values, "exclude": [2]})
    assert r["groups"][0]["centre"] == pytest.approx(31 / 7)
    assert r["groups"][0]["runs"]["n_useful"] == 7
    assert r["points"][2]["type"] == "special_cause"


def test_mr_chart_values_and_exclude():
    r = analyse({"chart": "mr", "values": [1, 4, 2, 2, 9], "exclude": [4]})
    assert [p["value"] for p in r["points"]] == [None, 3.0, 2.0, 0.0, 7.0]
    assert r["groups"][0]["centre"] == pytest.approx(5 / 3)
    assert r["groups"][0]["upper"] == pytest.approx(3.267 * 5 / 3)
    assert r["groups"][0]["runs"]["signal"] is False


# ---- assurance ----


@pytest.mark.parametrize(
    "improvement, target, expected",
    [
        ("increase", 100, "fail"),
        ("increase", -100, "pass"),
        ("increase", 10, "inconsistent"),
        ("decrease", 100, "pass"),
        ("decrease", -100, "fail"),
        ("decrease", 10, "inconsistent"),
        ("neutral", 100, None),
        ("increase", None, None),
    ],
)
def test_assurance_outcomes(improvement, target, expected):
    r = xmr([10, 11, 9, 12, 10, 11, 9, 10, 11, 10, 12, 9, 10], improvement=improvement, target=target)
    assert r["assurance"] == expected


def test_assurance_target_exactly_on_a_limit_is_inconsistent():
    base = [1, -1] * 6
    r = xmr(base, baseline_points=12, target=5.32, improvement="increase")
    assert r["groups"][0]["upper"] == 5.32 and r["assurance"] == "inconsistent"
    r = xmr(base, baseline_points=12, target=-5.32, improvement="decrease")
    assert r["assurance"] == "inconsistent"


def test_assurance_only_for_xmr():
    assert analyse({"chart": "i", "values": [1, 2, 3], "target": 9, "improvement": "increase"})["assurance"] is None


# ---- p and u with varying denominators ----


def test_p_chart_limits_vary_with_the_denominator():
    num, den = [5, 10, 2, 30, 1], [50, 100, 20, 100, 200]
    r = analyse({"chart": "p", "values": num, "denominators": den})
    cl = sum(num) / sum(den)
    g = r["groups"][0]
    assert g["centre"] == pytest.approx(cl) and g["lower"] is None and g["upper"] is None
    for p, n, d in zip(r["points"], num, den):
        s = math.sqrt(cl * (1 - cl) / d)
        assert p["value"] == n / d
        assert p["upper"] == pytest.approx(min(cl + 3 * s, 1))
        assert p["lower"] == pytest.approx(max(cl - 3 * s, 0))
    assert r["points"][3]["outside"] and r["points"][3]["type"] == "special_cause"


def test_p_chart_clamps_to_0_and_1():
    r = analyse({"chart": "p", "values": [1, 2, 1], "denominators": [2, 2, 2]})
    assert all(p["upper"] == 1 and p["lower"] == 0 for p in r["points"])


def test_u_chart_limits():
    num, den = [3, 12, 7, 20], [1.5, 4, 2, 5]
    r = analyse({"chart": "u", "values": num, "denominators": den})
    cl = sum(num) / sum(den)
    for p, n, d in zip(r["points"], num, den):
        assert p["value"] == n / d
        assert p["upper"] == pytest.approx(cl + 3 * math.sqrt(cl / d))
        assert p["lower"] == pytest.approx(max(cl - 3 * math.sqrt(cl / d), 0))


def test_p_chart_missing_numerator_or_denominator_drops_the_point():
    r = analyse({"chart": "p", "values": [1, None, 3, 4], "denominators": [10, 10, None, 10]})
    assert r["groups"][0]["centre"] == pytest.approx(5 / 20)
    assert [p["value"] for p in r["points"]] == [0.1, None, None, 0.4]
    assert r["points"][2]["lower"] is None and r["points"][2]["upper"] is None


# ---- run chart: freeze and IHI rules ----


def test_run_chart_baseline_uses_first_points_for_the_median():
    values = [1, 2, 3, 4, 5, 100, 100, 100]
    r = analyse({"chart": "run", "values": values, "baseline_points": 5})
    assert r["groups"][0]["centre"] == 3
    assert r["groups"][0]["runs"]["n_useful"] == 7


def test_ihi_rules():
    values = [5, 6, 7, 5, 8, 9, 6, 7, 2, 3, 3, 4, 5, 6, 1, 2]
    r = analyse({"chart": "run", "values": values, "rules": "ihi"})
    ihi = r["ihi"]
    assert ihi["median"] == r["groups"][0]["centre"] == 5
    assert ihi["shifts"] == [[1, 7]]  # 6 above, the 5 at index 3 skipped
    assert ihi["trends"] == [[8, 13]]  # 2, 3, 3, 4, 5, 6: the tie counts once
    assert ihi["n_runs"] == 4
    assert analyse({"chart": "run", "values": values})["ihi"] is None


def test_ihi_short_trend_and_no_useful_points():
    r = analyse({"chart": "run", "values": [1, 2, 3, 4, 4, 4], "rules": "ihi"})
    assert r["ihi"]["trends"] == []
    r = analyse({"chart": "run", "values": [3, 3, 3], "rules": "ihi"})
    assert r["ihi"] == {"median": 3.0, "shifts": [], "trends": [], "n_runs": 0}
    assert r["groups"][0]["runs"] == {
        "n_useful": 0,
        "longest_run": None,
        "longest_run_max": None,
        "crossings": None,
        "crossings_min": None,
        "signal": False,
    }


# ---- shapes ----


def test_output_fields_and_empty_series():
    r = xmr([])
    assert r == {"chart": "xmr", "groups": [], "points": [], "variation": None, "assurance": None, "ihi": None}
    r = xmr([1.5, 2])
    assert list(r) == ["chart", "groups", "points", "variation", "assurance", "ihi"]
    assert list(r["groups"][0]) == ["first_index", "n", "centre", "lower", "upper", "short", "runs"]
    assert list(r["points"][0]) == [
        "index",
        "value",
        "group",
        "centre",
        "lower",
        "upper",
        "side",
        "outside",
        "rule",
        "type",
    ]
    assert r["points"][0]["value"] == 1.5 and type(r["points"][1]["value"]) is int


def test_mixed_batch_equals_individual_results():
    requests = [
        {"chart": "xmr", "values": ON_MEAN, "improvement": "increase", "target": 3},
        {"chart": "p", "values": [1, 2, 3], "denominators": [10, 20, 30]},
        {"chart": "run", "values": [3, 1, 2, 5, 4], "rules": "ihi"},
        {"chart": "xmr", "values": [], "rebase_at": None},
        {"chart": "i", "values": [1, None, 4, 2, 8], "exclude": [3], "rebase_at": [2]},
        {"chart": "mr", "values": [5, 3, 8]},
        {"chart": "c", "values": [2, 4, 3], "baseline_points": 2},
        {"chart": "u", "values": [2, 4, 3], "denominators": [1, 2, 1.5]},
        {"chart": "xmr", "values": ON_MEAN, "rebase_at": [12], "baseline_points": 12},
    ]
    assert analyse_batch(requests) == [analyse(r) for r in requests]


def test_excluded_last_point_is_judged_against_the_limits():
    values = [10, 11] * 7 + [30]
    r = xmr(values, exclude=[14], improvement="increase")
    assert r["points"][14]["rule"] == "outside"
    assert r["variation"] == "special_cause_improvement"
    r = xmr(values[:-1] + [10.5], exclude=[14])
    assert r["points"][14]["rule"] is None and r["points"][14]["type"] == "common_cause"


def test_padded_and_gapped_groups_in_one_batch():
    # lengths 17..24 share one padded bucket; some have gaps, some exclusions
    requests = []
    for n in range(17, 25):
        values = [10 + (i % 3) + (5 if i > n - 8 else 0) for i in range(n)]
        if n % 2:
            values[3] = None
        requests.append({"chart": "xmr", "values": values, "exclude": [n - 1] if n % 3 == 0 else []})
    assert analyse_batch(requests) == [analyse(r) for r in requests]
    assert any(p["rule"] == "shift" for r in analyse_batch(requests) for p in r["points"])


@pytest.mark.parametrize("shape", [[0, 5, 0], [0], [0, 0], [5, 0], [0, 0, 3, 0, 4], [3, 4]])
def test_batches_with_empty_series(shape):
    requests = [{"chart": "xmr", "values": list(range(n))} for n in shape]
    out = analyse_batch(requests)
    assert out == [analyse(r) for r in requests]
    assert [len(r["points"]) for r in out] == shape
