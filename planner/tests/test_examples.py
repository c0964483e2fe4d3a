"""The shared examples: the solver reaches the known optimum, the plan is valid, every unoffered
run carries one valid reason code."""

import pytest

from planner import check_plan, greedy_plan, solve
from planner.check import REASON_CODES

from .builders import example

OPTIMUM = {"S": 62, "M": 108}


def _assert_complete(inst, result):
    assert check_plan(inst, result) == []
    offered = {r["run"] for r in result["runs"]}
    explained = [u["run"] for u in result["unoffered"]]
    assert len(explained) == len(set(explained))
    assert offered | set(explained) == {r["id"] for r in inst["runs"]}
    for u in result["unoffered"]:
        assert u["reason_code"] in REASON_CODES
        assert u["message"].startswith(u["run"] + ":")


@pytest.mark.slow  # CP-SAT proves the optimum: seconds
@pytest.mark.parametrize("name,limit", [("S", 20), ("M", 25)])
def test_example_reaches_optimum(name, limit):
    inst = example(name)
    events = []
    result = solve(inst, time_limit=limit, progress=lambda *a: events.append(a))
    assert result["status"] == "optimal"
    assert result["objective"] == OPTIMUM[name]
    assert result["bound"] == OPTIMUM[name]
    _assert_complete(inst, result)
    # progress: first the greedy plan, then improvements, objectives never decrease
    assert events and events[0][0] == result["stats"]["greedy_objective"]
    assert [e[0] for e in events] == sorted(e[0] for e in events)
    assert result["stats"]["solver"] == "ortools 9.15.6755"
    assert set(result["secondary"]) == {"continuity_breaks", "max_peer_paid_hours", "min_topic_coverage"}


def test_greedy_plans_are_valid_and_explained():
    for name in ("S", "M"):
        inst = example(name)
        result = greedy_plan(inst)
        _assert_complete(inst, result)
        assert result["objective"] >= {"S": 52, "M": 100}[name]  # at least the hand planner's
