"""Reasons for people: the plain-English message only (never the planner's code), "priority" for
the planner's weight, and a note when runs already on the timetable take the tutors' free times."""

from types import SimpleNamespace

from django.urls import reverse

import planner
from tandem.planning.present import PlanView, plain_words

from .factories import make_job


def slot_list(*pairs):
    return [list(p) for p in pairs]


def tiny_instance(meta):
    """Peer tutor-1 and staff tutor-2, both recorded free on Thursday mornings, but tutor-2's
    Thursday morning is taken by a run on the timetable (so the instance leaves it out)."""

    def tutor(pk, role, available):
        return {
            "id": f"tutor-{pk}",
            "role": role,
            "college": "k",
            "sites": ["site-1"],
            "online_ok": True,
            "qualified": ["course-1"],
            "available": available,
            "unavailable_weeks": [],
            "max_sessions": 24,
            "release_hours": 40 if role == "staff" else None,
            "paid": role == "peer",
        }

    return {
        "schema": "tandem.plan-instance/1",
        "meta": {"first_monday": "2020-01-06", **meta},
        "calendar": {
            "weeks": 12,
            "days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
            "slots": [
                {"id": "morning", "start": "10:00", "end": "12:00"},
                {"id": "afternoon", "start": "13:30", "end": "15:30"},
                {"id": "evening", "start": "18:00", "end": "20:00"},
            ],
        },
        "rules": {"prep_hours_per_session": 1},
        "topics": [{"id": "topic-1", "name": "Recovery"}],
        "colleges": [{"id": "k"}],
        "sites": [{"id": "site-1", "college": "k", "kind": "hub"}],
        "rooms": [
            {
                "id": "room-1",
                "site": "site-1",
                "capacity": 20,
                "accessible": True,
                "available": slot_list(*[(d, s) for d in range(5) for s in range(3)]),
            }
        ],
        "courses": [{"id": "course-1", "topic": "topic-1", "sessions": 4, "session_hours": 2}],
        "tutors": [tutor(1, "peer", slot_list((3, 0))), tutor(2, "staff", slot_list((0, 0)))],
        "runs": [
            {
                "id": "run-7",
                "course": "course-1",
                "college": "k",
                "online": False,
                "site": "site-1",
                "cohort": 10,
                "needs_accessible": False,
                "allowed": slot_list((0, 0), (3, 0)),
                "start_week_min": 1,
                "start_week_max": 8,
                "weight": 2,
                "split_allowed": False,
                "mandatory": False,
                "pinned": None,
            }
        ],
    }


LABELS = {
    "tutor-1": "Pat Peer",
    "tutor-2": "Sam Staff",
    "course-1": "Hope and recovery",
    "site-1": "Hub",
    "room-1": "Hub room 1",
    "run-7": "Hope and recovery (wish 7)",
    "topic-1": "Recovery",
}


def test_timetabled_runs_are_named_as_the_cause():
    inst = tiny_instance({"timetabled": {"tutor-2": [[3, 0]]}, "sessions_taken": {"tutor-2": 6}})
    result = planner.greedy_plan(inst)
    job = SimpleNamespace(instance=inst, result=result, labels=LABELS, what_ifs=None, candidates=[])
    (u,) = PlanView(job).unoffered
    assert "NO_COMMON_SLOT" not in u["message"] and "_" not in u["message"]
    assert "Sam Staff is free Thursdays (mornings) but teaches a run already on the timetable then" in u["message"]


def test_plain_words():
    text = "It could run only by dropping W1 (weight 3): worth 3 in all, against its own weight 1; use --explain-cost for what it would take."
    assert plain_words(text) == (
        "It could run only by dropping W1 (priority 3): worth 3 in all, against its own priority 1."
    )


def test_job_page_shows_no_reason_codes(world, client):
    job = make_job(world)
    run = job.instance["runs"][0]["id"]
    job.result["runs"] = [r for r in job.result["runs"] if r["run"] != run]
    job.result["unoffered"] = [
        {
            "run": run,
            "reason_code": "OUTWEIGHED",
            "message": f"{run}: It could run only by dropping run-99 (weight 3), against its own weight 1.",
        }
    ]
    job.save()
    client.force_login(world.admin)
    page = client.get(reverse("planning:job", args=[job.pk])).content.decode()
    assert "OUTWEIGHED" not in page and "Other runs matter more" in page
    assert "against its own priority 1" in page and "(weight" not in page
