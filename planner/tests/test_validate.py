"""Malformed instances raise InstanceError naming the field or id."""

import pytest

from planner import InstanceError, solve, validate_instance

from .builders import basic


def _pin():
    return {"day": 0, "slot": 0, "start_week": 1, "room": "R1", "blocks": [{"peer": "P1", "staff": "N1"}]}


CASES = [
    ("unknown course", lambda i: i["runs"][0].update(course="C99"), "runs[0] (W1).course: unknown course 'C99'"),
    (
        "unknown tutor in pin",
        lambda i: i["runs"][0].update(pinned={**_pin(), "blocks": [{"peer": "PX", "staff": "N1"}]}),
        "unknown tutor 'PX'",
    ),
    (
        "pin names unqualified tutor",
        lambda i: (i["tutors"][1].update(qualified=["C2"]), i["runs"][0].update(pinned=_pin())),
        "N1 is not qualified for course C1",
    ),
    (
        "pin names wrong role",
        lambda i: i["runs"][0].update(pinned={**_pin(), "blocks": [{"peer": "N1", "staff": "N1"}]}),
        "N1 is a staff tutor, not peer",
    ),
    ("pin unknown room", lambda i: i["runs"][0].update(pinned={**_pin(), "room": "R9"}), "unknown room 'R9'"),
    (
        "negative release",
        lambda i: i["tutors"][1].update(release_hours=-4),
        "tutors[1] (N1).release_hours: must be >= 0",
    ),
    ("negative session hours", lambda i: i["courses"][0].update(session_hours=-1), "courses[0] (C1).session_hours"),
    ("missing weight", lambda i: i["runs"][0].pop("weight"), "runs[0] (W1).weight: missing field"),
    ("weight zero", lambda i: i["runs"][0].update(weight=0), "weight: must be >= 1"),
    ("wrong type cohort", lambda i: i["runs"][0].update(cohort="ten"), "runs[0] (W1).cohort: must be an integer"),
    ("bool as int", lambda i: i["tutors"][0].update(max_sessions=True), "max_sessions: must be an integer"),
    ("day-slot out of range", lambda i: i["runs"][0].update(allowed=[[7, 0]]), "outside the calendar"),
    ("duplicate id", lambda i: i["tutors"].append(dict(i["tutors"][0])), "duplicate id 'P1'"),
    ("missing table", lambda i: i.pop("rooms"), "rooms: missing field"),
    ("unknown site", lambda i: i["runs"][0].update(site="S9"), "unknown site 'S9'"),
    ("leave week out of term", lambda i: i["tutors"][0].update(unavailable_weeks=[13]), "unavailable_weeks[0]"),
    ("window backwards", lambda i: i["runs"][0].update(start_week_min=3, start_week_max=2), "start_week_max"),
    ("wrong schema", lambda i: i.update(schema="other/1"), "schema"),
]


@pytest.mark.parametrize("name,mutate,expected", CASES, ids=[c[0] for c in CASES])
def test_invalid_instances(name, mutate, expected):
    inst = basic()
    mutate(inst)
    with pytest.raises(InstanceError) as exc:
        validate_instance(inst)
    assert expected in str(exc.value)
    with pytest.raises(InstanceError):
        solve(inst, time_limit=1)


def test_not_an_object():
    with pytest.raises(InstanceError):
        validate_instance([1, 2])


@pytest.mark.parametrize(
    "kw,word",
    [
        ({"time_limit": 0}, "--time-limit"),
        ({"workers": 0}, "--workers"),
        ({"seed": -1}, "--seed"),
        ({"explain_cost": ["W9"]}, "W9"),
        ({"drop_tutors": ["X"]}, "X"),
        ({"raise_release": [("P1", 5)]}, "peer"),
    ],
)
def test_bad_options(kw, word):
    with pytest.raises(InstanceError) as exc:
        solve(basic(), **kw)
    assert word in str(exc.value)
