"""The independent checker catches a deliberately broken plan for every hard rule."""

import copy

import pytest

from planner import check_plan, solve

from .builders import ALL, MON_AM, MON_PM, TUE_AM, instance, peer, room, run, staff


def _instance():
    tutors = [
        peer("P1", qualified=["C1", "C2"]),
        peer("P2", qualified=["C1", "C2"]),
        peer("P3", qualified=["C1", "C2"]),
        staff("N1", qualified=["C1", "C2"]),
        staff("N2", qualified=["C1", "C2"]),
        staff("N3", qualified=["C3"]),
        staff("N4", qualified=["C1"], leave=[1]),
    ]
    rooms = [
        room("R1"),
        room("R2", capacity=8, accessible=False, available=[MON_AM, MON_PM]),
        room("R3", available=ALL),
    ]
    pin = {
        "day": 1,
        "slot": 0,
        "start_week": 1,
        "room": "R1",
        "blocks": [{"peer": "P1", "staff": "N1"}, {"peer": "P2", "staff": "N1"}],
    }
    runs = [
        run("W1", allowed=[MON_AM, TUE_AM], mandatory=True),
        run("W2", course="C2", allowed=[TUE_AM], split=True, pinned=pin),
    ]
    return instance(tutors, rooms, runs)


def _valid():
    return {
        "schema": "tandem.plan-result/1",
        "status": "optimal",
        "objective": 2,
        "bound": 2,
        "runs": [
            {
                "run": "W1",
                "day": 0,
                "slot": 0,
                "start_week": 1,
                "room": "R1",
                "blocks": [{"peer": "P1", "staff": "N1"}],
            },
            {
                "run": "W2",
                "day": 1,
                "slot": 0,
                "start_week": 1,
                "room": "R1",
                "blocks": [{"peer": "P1", "staff": "N1"}, {"peer": "P2", "staff": "N1"}],
            },
        ],
        "unoffered": [],
    }


def test_valid_plan_passes_and_matches_the_solver():
    inst = _instance()
    assert check_plan(inst, _valid()) == []
    result = solve(inst, time_limit=5)
    assert check_plan(inst, result) == [] and result["objective"] == 2


def _w1(**kw):
    def mutate(inst, res):
        res["runs"][0].update(kw)

    return mutate


BROKEN = [
    ("rule 1", "day-slot not allowed", _w1(slot=1)),
    ("rule 1", "start week outside window", _w1(start_week=2)),
    (
        "rule 1",
        "runs past the term",
        lambda i, r: (i["runs"][0].update(start_week_max=6), r["runs"][0].update(start_week=6)),
    ),
    ("rule 2", "room too small", _w1(room="R2")),
    (
        "rule 2",
        "room not accessible",
        lambda i, r: (i["runs"][0].update(needs_accessible=True, cohort=8), r["runs"][0].update(room="R2")),
    ),
    ("rule 2", "room at another site", lambda i, r: (i["rooms"][2].update(site="S2"), r["runs"][0].update(room="R3"))),
    ("rule 2", "room double-booked", _w1(day=1, room="R1", blocks=[{"peer": "P3", "staff": "N2"}])),
    (
        "rule 2",
        "online run with a room",
        lambda i, r: (
            i["runs"][0].update(online=True, site=None),
            i["tutors"][0].update(online_ok=True),
            i["tutors"][3].update(online_ok=True),
        ),
    ),
    ("rule 3", "peer slot holds a staff tutor", _w1(blocks=[{"peer": "N2", "staff": "N1"}])),
    ("rule 3", "tutor not qualified", _w1(blocks=[{"peer": "P1", "staff": "N3"}])),
    ("rule 3", "tutor not at the site", lambda i, r: i["tutors"][0].update(sites=["S2"])),
    ("rule 3", "tutor not available", lambda i, r: i["tutors"][0].update(available=[TUE_AM])),
    ("rule 3", "tutor on leave", _w1(blocks=[{"peer": "P1", "staff": "N4"}])),
    ("rule 3", "too many blocks", _w1(blocks=[{"peer": "P1", "staff": "N1"}, {"peer": "P2", "staff": "N1"}])),
    ("rule 4", "tutor double-booked", _w1(day=1, room="R3", blocks=[{"peer": "P1", "staff": "N2"}])),
    ("rule 5", "max sessions exceeded", lambda i, r: i["tutors"][3].update(max_sessions=5)),
    ("rule 5", "release exceeded", lambda i, r: i["tutors"][3].update(release_hours=17)),
    (
        "rule 6",
        "mandatory run not offered",
        lambda i, r: (
            r["runs"].pop(0),
            r.update(objective=1),
            r["unoffered"].append({"run": "W1", "reason_code": "OUTWEIGHED", "message": "x"}),
        ),
    ),
    (
        "rule 6",
        "pinned run moved",
        lambda i, r: r["runs"][1].update(blocks=[{"peer": "P2", "staff": "N1"}, {"peer": "P1", "staff": "N1"}]),
    ),
    ("rule 6", "pinned room changed", lambda i, r: r["runs"][1].update(room="R3")),
    ("format", "objective wrong", lambda i, r: r.update(objective=3, bound=3)),
    ("format", "bound below objective", lambda i, r: r.update(bound=1)),
    ("format", "run neither offered nor explained", lambda i, r: (r["runs"].pop(0), r.update(objective=1))),
    (
        "format",
        "unknown reason code",
        lambda i, r: (
            i["runs"].append(run("W3"))
            or r["unoffered"].append({"run": "W3", "reason_code": "BECAUSE", "message": "x"})
        ),
    ),
]


@pytest.mark.parametrize("rule,name,mutate", BROKEN, ids=[f"{b[0]}: {b[1]}" for b in BROKEN])
def test_checker_catches(rule, name, mutate):
    inst, res = _instance(), copy.deepcopy(_valid())
    mutate(inst, res)
    errs = check_plan(inst, res)
    assert any(e.startswith(rule) for e in errs), errs


def test_infeasible_result_must_be_empty_with_conflicts():
    inst = _instance()
    assert check_plan(inst, {"status": "infeasible", "runs": [], "conflicts": []})
    assert check_plan(inst, {"status": "infeasible", "runs": [], "conflicts": [{"runs": ["W1"], "message": "x"}]}) == []
