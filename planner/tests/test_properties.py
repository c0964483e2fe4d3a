"""Random small instances: every plan is valid, complete, explained, and at least the greedy."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import check_plan, greedy_plan, solve
from planner.check import REASON_CODES

from .builders import random_instance


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10_000))
def test_random_instances(seed):
    inst = random_instance(seed)
    result = solve(inst, time_limit=3, seed=seed % 7)
    assert result["status"] in ("optimal", "feasible")
    assert check_plan(inst, result) == []
    assert result["bound"] >= result["objective"] >= greedy_plan(inst)["objective"]
    assert len(result["runs"]) + len(result["unoffered"]) == len(inst["runs"])
    for u in result["unoffered"]:
        assert u["reason_code"] in REASON_CODES and u["message"]
