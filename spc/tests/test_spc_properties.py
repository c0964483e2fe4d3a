"""(d) Property tests (hypothesis) of invariants that must hold for any input."""

import math
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spc import analyse, analyse_batch

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ints = st.integers(min_value=-50, max_value=50)
floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)


def series(elements, min_size=0, max_size=40, missing=True):
    item = st.one_of(st.none(), elements) if missing else elements
    return st.lists(item, min_size=min_size, max_size=max_size)


@st.composite
def requests(draw, charts=("xmr", "run", "i", "mr", "c", "p", "u")):
    chart = draw(st.sampled_from(charts))
    elements = st.integers(0, 40) if chart in ("c", "p", "u") else st.one_of(ints, floats)
    values = draw(series(elements))
    n = len(values)
    req = {"chart": chart, "values": values}
    if chart in ("p", "u"):
        req["denominators"] = [None if v is None else draw(st.integers(40, 80)) for v in values]
    if n and draw(st.booleans()):
        req["rebase_at"] = draw(st.lists(st.integers(0, n - 1), max_size=3))
    if n and draw(st.booleans()):
        req["exclude"] = draw(st.lists(st.integers(0, n - 1), max_size=3))
    if draw(st.booleans()):
        req["baseline_points"] = draw(st.integers(12 if chart == "xmr" else 1, 30))
    req["improvement"] = draw(st.sampled_from(["increase", "decrease", "neutral"]))
    if chart == "xmr":
        req["screen_outliers"] = draw(st.booleans())
        req["target"] = draw(st.one_of(st.none(), floats))
    if chart == "run":
        req["rules"] = draw(st.sampled_from(["anhoej", "ihi"]))
    return req


def _ok(x):
    return x is None or (isinstance(x, (int, float)) and math.isfinite(x))


@SETTINGS
@given(requests())
def test_shape_nulls_and_limit_order(req):
    r = analyse(req)
    values = req["values"]
    assert r["chart"] == req["chart"]
    assert [p["index"] for p in r["points"]] == list(range(len(values)))
    starts = [g["first_index"] for g in r["groups"]]
    assert starts == sorted(set(starts)) and (not values or starts[0] == 0)
    assert sum(g["n"] for g in r["groups"]) == len(values)
    for p in r["points"]:
        for key in ("value", "centre", "lower", "upper"):
            assert _ok(p[key]), (key, p)
        if p["lower"] is not None and p["upper"] is not None and p["centre"] is not None:
            assert p["lower"] <= p["centre"] <= p["upper"], p
        assert p["side"] in (-1, 0, 1, None)
    if req["chart"] in ("xmr", "i", "c", "run"):
        assert [p["value"] for p in r["points"]] == values  # nulls kept, values echoed
        assert all((p["side"] is None) == (p["value"] is None or p["centre"] is None) for p in r["points"])
    if req["chart"] == "xmr":
        assert all((p["type"] is None) == (p["value"] is None) for p in r["points"])
        present = [p for p in r["points"] if p["value"] is not None]
        assert r["variation"] == (present[-1]["type"] if present else None)


@SETTINGS
@given(st.lists(requests(), max_size=6))
def test_batch_equals_individual(reqs):
    assert analyse_batch(reqs) == [analyse(r) for r in reqs]


@SETTINGS
@given(
    series(ints, min_size=1, max_size=60),
    st.integers(-6, 6),
    st.integers(-1000, 1000),
    st.sampled_from(["increase", "decrease", "neutral"]),
    st.booleans(),
)
def test_xmr_types_invariant_under_scale_and_shift(values, power, shift, improvement, screen):
    # scaling by a power of two is exact in floating point, and integer data keep their
    # distance from every limit, so the point types cannot change
    base = analyse({"chart": "xmr", "values": values, "improvement": improvement, "screen_outliers": screen})
    moved = [None if v is None else v * 2.0**power + shift for v in values]
    other = analyse({"chart": "xmr", "values": moved, "improvement": improvement, "screen_outliers": screen})
    key = [(p["side"], p["rule"], p["type"]) for p in base["points"]]
    assert key == [(p["side"], p["rule"], p["type"]) for p in other["points"]]


@SETTINGS
@given(
    series(st.one_of(ints, floats), min_size=1, max_size=60),
    st.sampled_from([("increase", "decrease"), ("decrease", "increase"), ("neutral", "neutral")]),
)
def test_xmr_mirror(values, directions):
    # negating every value (exact) and flipping the improvement direction keeps every
    # improvement / concern; sides flip and neutral high/low swap
    a = analyse({"chart": "xmr", "values": values, "improvement": directions[0]})
    b = analyse({"chart": "xmr", "values": [None if v is None else -v for v in values], "improvement": directions[1]})
    swap = {
        "special_cause_neutral_high": "special_cause_neutral_low",
        "special_cause_neutral_low": "special_cause_neutral_high",
    }
    for p, q in zip(a["points"], b["points"]):
        assert p["rule"] == q["rule"]
        assert swap.get(p["type"], p["type"]) == q["type"]
        assert p["side"] == (None if q["side"] is None else -q["side"])


decimals = st.integers(-(10**12), 10**12).map(lambda i: i / 1000)  # measure-like data


@SETTINGS
@given(series(st.one_of(decimals, floats.map(lambda x: round(x, 9))), min_size=1, max_size=80, missing=False))
def test_centre_is_the_correctly_rounded_mean(values):
    # Double-double sums are exact for data like these. (With magnitudes 1e260 apart and
    # the mean exactly halfway between two doubles they round the tie like R's long double
    # sum does, not like an exact sum would; hypothesis finds such cases if allowed to.)
    r = analyse({"chart": "xmr", "values": values})
    exact = sum(Fraction(v) for v in values) / len(values)
    assert r["groups"][0]["centre"] == float(exact)


@SETTINGS
@given(series(ints, min_size=1, max_size=40))
def test_run_chart_median_and_runs(values):
    r = analyse({"chart": "run", "values": values})
    present = [v for v in values if v is not None]
    g = r["groups"][0]
    if not present:
        assert g["centre"] is None
        return
    assert g["centre"] == float(np.median(present))
    signs = [(v > g["centre"]) - (v < g["centre"]) for v in present]
    useful = [s for s in signs if s]
    assert g["runs"]["n_useful"] == len(useful)
    if useful:
        crossings = sum(1 for a, b in zip(useful, useful[1:]) if a != b)
        assert g["runs"]["crossings"] == crossings
