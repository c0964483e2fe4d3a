"""What-if: one more staff tutor from candidate profiles; raising a release; explain cost."""

from planner import check_plan, solve

from .builders import MON_AM, MON_PM, TUE_AM, instance, peer, room, run, staff


def _inst():
    tutors = [peer("P1"), peer("P2"), staff("N1", available=[MON_AM, MON_PM], release=6)]
    runs = [
        run("W1", allowed=[MON_AM], weight=1),
        run("W2", allowed=[TUE_AM], weight=2),
        run("W3", allowed=[MON_PM], weight=1),
    ]
    return instance(tutors, [room("R1")], runs)


CANDIDATES = [
    {
        "id": "useless",
        "qualified": ["C3"],
        "available": [[1, 0]],
        "release_hours": 48,
        "sites": ["S1"],
        "online_ok": False,
    },
    {
        "id": "tuesday",
        "qualified": ["C1"],
        "available": [[1, 0]],
        "release_hours": 48,
        "sites": ["S1"],
        "online_ok": False,
    },
    {"qualified": ["C1"], "available": [[1, 0]], "release_hours": 3, "sites": ["S1"], "online_ok": True},
]


def test_best_extra_staff_tutor_is_proven():
    inst = _inst()
    result = solve(inst, time_limit=5, what_if_candidates=CANDIDATES)
    assert check_plan(inst, result) == []
    assert result["objective"] == 1  # N1's 6 hours cover one run; W2 has no staff on Tuesday
    (wi,) = result["what_if"]
    assert wi["kind"] == "extra_staff_tutor" and wi["status"] == "optimal"
    assert wi["best"]["id"] == "tuesday" and wi["best"]["index"] == 1
    assert wi["best"]["gain"] == 2 and wi["best"]["runs_added"] == ["W2"]
    assert "tuesday" in wi["message"]


def test_no_candidate_helps():
    result = solve(_inst(), time_limit=5, what_if_candidates=CANDIDATES[:1])
    (wi,) = result["what_if"]
    assert wi["best"] is None and wi["status"] == "optimal"


def test_raise_release():
    result = solve(_inst(), time_limit=5, raise_release=[("N1", 6)])
    (wi,) = result["what_if"]
    assert wi["kind"] == "raise_release" and wi["release_after"] == 12
    assert wi["gain"] == 1 and wi["status"] == "optimal"


def test_explain_cost_names_the_runs_that_would_drop():
    tutors = [peer("P1"), staff("N1"), staff("N2")]
    inst = instance(
        tutors, [room("R1")], [run("W1", allowed=[MON_AM], weight=2), run("W2", allowed=[MON_AM], weight=1)]
    )
    result = solve(inst, time_limit=5, explain_cost=["W2", "W1"])
    cost, already = result["explain_cost"]
    assert cost["run"] == "W2" and cost["runs_dropped"] == ["W1"]
    assert cost["cost"] == 1 and cost["objective"] == 1
    assert "W1 (weight 2)" in cost["message"]
    assert already["status"] == "offered" and already["cost"] == 0
