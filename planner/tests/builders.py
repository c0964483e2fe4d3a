"""Tiny hand-made instances for the tests.

Calendar: 6 weeks, days Mon/Tue, slots AM/PM, so day-slots are MON_AM=[0,0], MON_PM=[0,1],
TUE_AM=[1,0], TUE_PM=[1,1]. One College K1 with sites S1 (hub) and S2. Courses: C1 (2 sessions
of 2 h), C2 (4 sessions, split allowed in runs that say so), C3 (1 session).
"""

import copy
import os
import random
from pathlib import Path

import pytest

MON_AM, MON_PM, TUE_AM, TUE_PM = [0, 0], [0, 1], [1, 0], [1, 1]
ALL = [MON_AM, MON_PM, TUE_AM, TUE_PM]


def shared_dir():
    env = os.environ.get("TANDEM_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".." / "shared"


def example(name):
    """A shared example instance (S or M); skips the test where the shared folder is absent."""
    import json

    path = shared_dir() / "reference" / "planner" / f"{name}-example.json"
    if not path.is_file():
        pytest.skip(f"shared planner example {path} not found (set TANDEM_SHARED to the shared folder)")
    return json.loads(path.read_text())


def tutor(
    tid,
    role,
    qualified=("C1",),
    available=ALL,
    sites=("S1",),
    online_ok=False,
    leave=(),
    max_sessions=24,
    release=48,
    college="K1",
):
    return {
        "id": tid,
        "role": role,
        "college": college,
        "sites": list(sites),
        "online_ok": online_ok,
        "qualified": list(qualified),
        "available": [list(x) for x in available],
        "unavailable_weeks": list(leave),
        "max_sessions": max_sessions,
        "release_hours": release if role == "staff" else None,
        "paid": role == "peer",
    }


def peer(tid, **kw):
    return tutor(tid, "peer", **kw)


def staff(tid, **kw):
    return tutor(tid, "staff", **kw)


def room(rid, site="S1", capacity=20, accessible=True, available=ALL):
    return {
        "id": rid,
        "site": site,
        "capacity": capacity,
        "accessible": accessible,
        "available": [list(x) for x in available],
    }


def run(
    rid,
    course="C1",
    site="S1",
    online=False,
    cohort=10,
    allowed=ALL,
    wmin=1,
    wmax=1,
    weight=1,
    split=False,
    mandatory=False,
    pinned=None,
    needs_accessible=False,
):
    return {
        "id": rid,
        "course": course,
        "college": "K1",
        "online": online,
        "site": None if online else site,
        "cohort": cohort,
        "needs_accessible": needs_accessible,
        "allowed": [list(x) for x in allowed],
        "start_week_min": wmin,
        "start_week_max": wmax,
        "weight": weight,
        "split_allowed": split,
        "mandatory": mandatory,
        "pinned": pinned,
    }


def instance(tutors, rooms, runs, weeks=6, courses=None):
    return copy.deepcopy(
        {
            "schema": "tandem.plan-instance/1",
            "calendar": {
                "weeks": weeks,
                "days": ["Mon", "Tue"],
                "slots": [
                    {"id": "AM", "start": "10:00", "end": "12:00"},
                    {"id": "PM", "start": "13:30", "end": "15:30"},
                ],
            },
            "rules": {"prep_hours_per_session": 1},
            "topics": [{"id": "T1", "name": "Recovery"}, {"id": "T2", "name": "Wellbeing"}],
            "colleges": [{"id": "K1"}],
            "sites": [{"id": "S1", "college": "K1", "kind": "hub"}, {"id": "S2", "college": "K1", "kind": "community"}],
            "rooms": rooms,
            "courses": courses
            or [
                {"id": "C1", "topic": "T1", "sessions": 2, "session_hours": 2},
                {"id": "C2", "topic": "T2", "sessions": 4, "session_hours": 2},
                {"id": "C3", "topic": "T1", "sessions": 1, "session_hours": 2},
            ],
            "tutors": tutors,
            "runs": runs,
        }
    )


def basic(**run_kw):
    """One run, one peer, one staff, one room: everything fits unless overridden."""
    return instance([peer("P1"), staff("N1")], [room("R1")], [run("W1", **run_kw)])


def random_instance(seed, n_runs=8, n_peers=5, n_staff=4, n_rooms=2):
    """Small random instance (for property tests): feasible by construction (no required runs
    except those random pins that happen to hold are left out)."""
    rng = random.Random(seed)
    courses = ["C1", "C2", "C3"]
    tutors = []
    for i in range(n_peers):
        tutors.append(
            peer(
                f"P{i + 1}",
                qualified=rng.sample(courses, rng.randint(1, 3)),
                available=rng.sample(ALL, rng.randint(1, 4)),
                sites=rng.sample(["S1", "S2"], rng.randint(1, 2)),
                online_ok=rng.random() < 0.5,
                leave=[rng.randint(1, 6)] if rng.random() < 0.3 else [],
                max_sessions=rng.choice([2, 4, 6, 8]),
            )
        )
    for i in range(n_staff):
        tutors.append(
            staff(
                f"N{i + 1}",
                qualified=rng.sample(courses, rng.randint(1, 3)),
                available=rng.sample(ALL, rng.randint(1, 3)),
                sites=rng.sample(["S1", "S2"], rng.randint(1, 2)),
                online_ok=rng.random() < 0.5,
                leave=[rng.randint(1, 6)] if rng.random() < 0.3 else [],
                max_sessions=rng.choice([4, 8]),
                release=rng.choice([6, 12, 18, 24]),
            )
        )
    rooms = [
        room(
            f"R{i + 1}",
            site=rng.choice(["S1", "S2"]),
            capacity=rng.choice([8, 12, 20]),
            accessible=rng.random() < 0.6,
            available=rng.sample(ALL, rng.randint(2, 4)),
        )
        for i in range(n_rooms)
    ]
    runs = []
    for i in range(n_runs):
        online = rng.random() < 0.2
        c = rng.choice(courses)
        wmin = rng.randint(1, 3)
        runs.append(
            run(
                f"W{i + 1}",
                course=c,
                online=online,
                site=rng.choice(["S1", "S2"]),
                cohort=rng.randint(6, 16),
                allowed=rng.sample(ALL, rng.randint(1, 4)),
                wmin=wmin,
                wmax=wmin + rng.randint(0, 2),
                weight=rng.randint(1, 3),
                split=c == "C2" and rng.random() < 0.7,
                needs_accessible=rng.random() < 0.2,
            )
        )
    return instance(tutors, rooms, runs)
