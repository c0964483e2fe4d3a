"""The demo College matches what the courses services write for the same input.

tandem.demo.generate writes courses, runs, tutors on runs and sessions with bulk inserts (fast),
not through tandem.courses.services. So that the pages (which call the services) and the demo
cannot drift apart, this module builds the demo College once, takes a deterministic sample of its
records (courses with their co-producers; runs of every kind with their tutors and sessions) and
replays the same input through the services into a second College (same Trust, terms, rooms and
tutors, and the demo's clock date, so past sessions can be recorded). The rows must be identical
field by field: primary keys aside, references to College-specific objects compared by natural key
(course title, term, site and room names, tutors' emails), audit rows aside.

It also checks, on every demo record, the invariants the services enforce.

How a replay gives a run its status:
- run_create starts a run "planned". The demo gives a run that has its peer and staff tutor
  "confirmed" and a gap (a tutor kind missing) "planned"; the replay confirms a staffed run with
  run_confirm, as "Confirm the run" on the run page does.
- session_record_delivery / session_cancel then move it to "running" (a session delivered) or
  "completed" (none left to record); run_cancel cancels it, with its reason and note.
- Not compared: RunTutorChange, the history of who put a tutor on a run and who asked. The
  services write one row per change made in Tandem; the demo's assignments stand for history from
  before the College used Tandem (like an imported register), so its runs have none, as audit rows.
- Tutors of a run that had not started on the demo's today are put on it one by one with
  run_assign_tutor, as on the run page; tutors of older runs come with run_create (as the planner's
  acceptance puts its tutors on), since run_assign_tutor asks for a tutor's status *today* (a tutor
  who taught in 2015 and has left since cannot be put on a run now).
- A retired course is created active, its runs added, then retired with course_retire (a retired
  course takes no new runs).
"""

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import transaction

from tandem.accounts.models import Role, User
from tandem.core.models import College, Room, Site, Term
from tandem.courses import services
from tandem.courses.models import Course, CourseRun, RunTutorChange, Session
from tandem.demo import generate
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EVERY_NTH_RUN = 101  # besides the picked kinds, every 101st run in natural order
EVERY_NTH_COURSE = 7


# --- Snapshots: a record as plain values, by natural keys ---------------------------------------


def course_snapshot(course):
    return {
        "title": course.title,
        "topic": course.topic,
        "description": course.description,
        "number_of_sessions": course.number_of_sessions,
        "hours_per_session": course.hours_per_session,
        "status": course.status,
        "co_producers": sorted(t.email for t in course.co_producers.all()),
    }


def session_snapshot(s):
    return {
        "date": s.date,
        "start_time": s.start_time,
        "end_time": s.end_time,
        "status": s.status,
        "peer_count": s.peer_count,
        "staff_count": s.staff_count,
        "head_count": s.head_count,
        "cancel_reason": s.cancel_reason,
        "cancel_note": s.cancel_note,
        "delivered_by": sorted(t.email for t in s.delivered_by.all()),
    }


def run_snapshot(run):
    sessions = sorted(run.sessions.all(), key=lambda s: (s.date, s.start_time))
    return {
        "course": run.course.title,
        "term": (run.term.season, run.term.year),
        "weekday": run.weekday,
        "start_time": run.start_time,
        "end_time": run.end_time,
        "start_date": run.start_date,
        "online": run.online,
        "room": (run.room.site.name, run.room.name) if run.room_id else None,
        "capacity": run.capacity,
        "status": run.status,
        "cancel_reason": run.cancel_reason,
        "cancel_note": run.cancel_note,
        "tutors": sorted(t.email for t in run.tutors.all()),
        "number_of_sessions": len(sessions),
        "session_dates": [s.date for s in sessions],
        "sessions": [session_snapshot(s) for s in sessions],
    }


def runs_of(college):
    return (
        CourseRun.objects.filter(course__college=college)
        .select_related("course", "term", "room__site")
        .prefetch_related("tutors", "sessions__delivered_by")
        .order_by("start_date", "start_time", "course__title", "weekday", "room__site__name", "room__name")
    )


def differences(demo, replayed, prefix=""):
    """Field by field: 'field: demo … / services …' for every field that differs."""
    out = []
    for key in demo.keys() | replayed.keys():
        a, b = demo.get(key), replayed.get(key)
        if key == "sessions" and isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for x, y in zip(a, b):
                out += differences(x, y, f"{prefix}session {x['date']}: ")
        elif a != b:
            out.append(f"{prefix}{key}: demo {a!r} / services {b!r}")
    return sorted(out)


# --- The demo College and its replica, once per module ------------------------------------------


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo College (seed 2019) and an empty replica with the same Trust, sites, rooms, terms,
    tutors and clock; rolled back at the end of the module (each worker of pytest-xdist has a
    database of its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        generate(seed=2019)
        demo = College.objects.get(slug="demo")
        replica = College.objects.create(
            name="Replayed Recovery College", slug="replayed", trust=demo.trust, clock_date=demo.clock_date
        )
        for site in Site.objects.filter(college=demo).order_by("name"):
            copy = Site.objects.create(college=replica, name=site.name, kind=site.kind)
            Room.objects.bulk_create(
                [
                    Room(site=copy, name=r.name, capacity=r.capacity, accessible=r.accessible)
                    for r in site.rooms.order_by("name")
                ]
            )
        Term.objects.bulk_create(
            [
                Term(college=replica, season=t.season, year=t.year, starts_on=t.starts_on, ends_on=t.ends_on)
                for t in Term.objects.filter(college=demo)
            ]
        )
        # The same tutors (their line manager and login are the demo College's users: left out).
        Tutor.objects.bulk_create(
            [
                Tutor(
                    college=replica,
                    kind=t.kind,
                    first_name=t.first_name,
                    last_name=t.last_name,
                    email=t.email,
                    status=t.status,
                    coproduction_trained_on=t.coproduction_trained_on,
                    joined_on=t.joined_on,
                    left_on=t.left_on,
                    employer=t.employer,
                    profession=t.profession,
                    team=t.team,
                )
                for t in Tutor.objects.filter(college=demo).order_by("pk")
            ]
        )
        actor = User.objects.create_user(
            username="replay-admin", role=Role.COLLEGE_ADMIN, college=replica, first_name="Replay", last_name="Admin"
        )
        runs = [run_snapshot(r) for r in runs_of(demo)]
        courses = {
            c.title: course_snapshot(c)
            for c in Course.objects.filter(college=demo).prefetch_related("co_producers").order_by("title")
        }
        kinds = dict(Tutor.objects.filter(college=demo).values_list("email", "kind"))
        yield SimpleNamespace(
            demo=demo, replica=replica, actor=actor, runs=runs, courses=courses, kinds=kinds, today=demo.clock_date
        )
        transaction.set_rollback(True)


# --- Replaying through the services -------------------------------------------------------------


class Replay:
    def __init__(self, built):
        self.b = built
        self.college = College.objects.get(pk=built.replica.pk)
        self.tutors = {t.email: t for t in Tutor.objects.filter(college=self.college)}
        self.terms = {(t.season, t.year): t for t in Term.objects.filter(college=self.college)}
        self.rooms = {
            (r.site.name, r.name): r for r in Room.objects.filter(site__college=self.college).select_related("site")
        }
        self.courses = {}

    def course(self, title):
        if title not in self.courses:
            c = self.b.courses[title]
            course = services.course_create(
                actor=self.b.actor,
                college=self.college,
                co_producers=[self.tutors[e] for e in c["co_producers"]],
                title=c["title"],
                topic=c["topic"],
                description=c["description"],
                number_of_sessions=c["number_of_sessions"],
                hours_per_session=c["hours_per_session"],
                status=Course.Status.ACTIVE if c["status"] == Course.Status.RETIRED else c["status"],
            )
            self.courses[title] = course
        return self.courses[title]

    def finish(self):
        """Retire the courses the demo has retired (after their runs were added)."""
        for title, course in self.courses.items():
            if self.b.courses[title]["status"] == Course.Status.RETIRED:
                services.course_retire(actor=self.b.actor, course=course)

    def run(self, r):
        actor = self.b.actor
        tutors = [self.tutors[e] for e in r["tutors"]]
        staffed = {t.kind for t in tutors} >= {Tutor.Kind.PEER, Tutor.Kind.STAFF}
        started = r["start_date"] <= self.b.today
        run = services.run_create(
            actor=actor,
            course=self.course(r["course"]),
            term=self.terms[r["term"]],
            weekday=r["weekday"],
            start_time=r["start_time"],
            end_time=r["end_time"],
            start_date=r["start_date"],
            online=r["online"],
            room=self.rooms[r["room"]] if r["room"] else None,
            capacity=r["capacity"],
            tutors=tutors if started else (),
        )
        if not started:
            for tutor in tutors:
                services.run_assign_tutor(actor=actor, run=run, tutor=tutor)
        if staffed:
            services.run_confirm(actor=actor, run=run)  # "Confirm the run" on the run page
        sessions = {s.date: s for s in run.sessions.all()}
        for s in r["sessions"]:
            if s["date"] not in sessions:
                continue  # a date the services did not make: the comparison shows it
            if s["status"] == Session.Status.DELIVERED:
                services.session_record_delivery(
                    actor=actor,
                    session=sessions[s["date"]],
                    tutors=[self.tutors[e] for e in s["delivered_by"]],
                    head_count=s["head_count"],
                )
            elif s["status"] == Session.Status.CANCELLED and s["cancel_reason"] != Session.CancelReason.RUN_CANCELLED:
                services.session_cancel(
                    actor=actor, session=sessions[s["date"]], reason=s["cancel_reason"], note=s["cancel_note"]
                )
        if r["status"] == CourseRun.Status.CANCELLED:
            services.run_cancel(actor=actor, run=run, reason=r["cancel_reason"], note=r["cancel_note"])
        return run


def replayed_snapshot(run):
    return run_snapshot(runs_of(run.course.college).get(pk=run.pk))


# --- The sample ---------------------------------------------------------------------------------


def _recorded(r, status):
    return [s for s in r["sessions"] if s["status"] == status]


def _kinds(b, r):
    return {b.kinds[e] for e in r["tutors"]}


PICKS = {
    "completed, a session cancelled one by one": lambda b, r: (
        r["status"] == "completed"
        and len(r["sessions"]) > 1
        and _recorded(r, "delivered")
        and any(s["cancel_reason"] not in ("", "run_cancelled") for s in r["sessions"])
    ),
    "completed, three tutors, one missing from a session": lambda b, r: (
        r["status"] == "completed"
        and len(r["tutors"]) == 3
        and any(len(s["delivered_by"]) < 3 for s in _recorded(r, "delivered"))
    ),
    "completed, online": lambda b, r: r["status"] == "completed" and r["online"],
    "cancelled: no staff tutor (release declined), with its peer": lambda b, r: (
        r["status"] == "cancelled"
        and r["cancel_reason"] == "no_staff_tutor"
        and "declined" in r["cancel_note"]
        and "peer" in _kinds(b, r)
    ),
    "cancelled: no staff tutor free": lambda b, r: (
        r["status"] == "cancelled"
        and r["cancel_reason"] == "no_staff_tutor"
        and r["cancel_note"].startswith("No trained staff tutor")
    ),
    "cancelled: too few students": lambda b, r: r["status"] == "cancelled" and r["cancel_reason"] == "low_enrolment",
    "gap: only a peer, to come": lambda b, r: (
        r["status"] == "planned" and _kinds(b, r) == {"peer"} and r["start_date"] > b.today
    ),
    "staffed, to come, every session scheduled": lambda b, r: (
        r["status"] == "confirmed"
        and r["start_date"] > b.today
        and all(s["status"] == "scheduled" for s in r["sessions"])
    ),
    "running: delivered, then scheduled": lambda b, r: r["status"] == "running",
    "past, its only session cancelled one by one": lambda b, r: (
        r["status"] != "cancelled" and r["session_dates"][-1] < b.today and not _recorded(r, "delivered")
    ),
    "a retired course's run": lambda b, r: b.courses[r["course"]]["status"] == "retired",
    "a shorter format's run": lambda b, r: "A shorter format of" in b.courses[r["course"]]["description"],
}


def picked(b, label):
    if label.startswith("run #"):
        index = int(label[5:])
        assert index < len(b.runs), f"the demo has {len(b.runs)} runs: lower the sample's range"
        return b.runs[index]
    found = [r for r in b.runs if PICKS[label](b, r)]
    assert found, f"the demo has no run of this kind any more: {label}"
    return found[0]


def every_nth_run_labels():
    # ~950 runs in the demo; the labels must be known at collection time, without the database.
    return [f"run #{i}" for i in range(0, 950, EVERY_NTH_RUN)]


@pytest.mark.parametrize("label", [*PICKS, *every_nth_run_labels()])
def test_a_demo_run_is_what_the_services_write_for_the_same_input(built, label):
    demo = picked(built, label)
    replay = Replay(built)
    run = replay.run(demo)
    replay.finish()
    diff = differences(demo, replayed_snapshot(run))
    assert not diff, f"{label}: {demo['course']}, {demo['term']}, from {demo['start_date']}:\n" + "\n".join(diff)


def test_the_sample_covers_every_kind_of_record(built):
    runs = [picked(built, label) for label in [*PICKS, *every_nth_run_labels()]]
    statuses = Counter(r["status"] for r in runs)
    assert set(statuses) == {"planned", "confirmed", "running", "completed", "cancelled"}
    sessions = [s for r in runs for s in r["sessions"]]
    assert {s["status"] for s in sessions} == {"scheduled", "delivered", "cancelled"}
    assert {s["cancel_reason"] for s in sessions} >= {"run_cancelled", "tutor_unwell"}
    assert {r["cancel_reason"] for r in runs} >= {"no_staff_tutor", "low_enrolment"}
    assert max(len(s["delivered_by"]) for s in sessions) == 3


def test_demo_courses_are_what_course_create_writes(built):
    titles = sorted(built.courses)
    sample = sorted({*titles[::EVERY_NTH_COURSE], *(picked(built, label)["course"] for label in PICKS)})
    assert {built.courses[t]["status"] for t in sample} == {"active", "retired"}
    replay = Replay(built)
    for title in sample:
        replay.course(title)
    replay.finish()
    for title in sample:
        course = Course.objects.prefetch_related("co_producers").get(college=replay.college, title=title)
        diff = differences(built.courses[title], course_snapshot(course))
        assert not diff, f"course {title}:\n" + "\n".join(diff)


# --- A staffed run, as made on the pages ----------------------------------------------------------


def test_a_staffed_run_made_through_the_pages_matches_the_demo(built):
    """Add the run, put its tutors on one by one, press "Confirm the run": the demo's row."""
    demo = picked(built, "staffed, to come, every session scheduled")
    replay = Replay(built)
    run = services.run_create(
        actor=built.actor,
        course=replay.course(demo["course"]),
        term=replay.terms[demo["term"]],
        weekday=demo["weekday"],
        start_time=demo["start_time"],
        end_time=demo["end_time"],
        start_date=demo["start_date"],
        online=demo["online"],
        room=replay.rooms.get(demo["room"]),
        capacity=demo["capacity"],
    )
    for email in demo["tutors"]:
        services.run_assign_tutor(actor=built.actor, run=run, tutor=replay.tutors[email])
    services.run_confirm(actor=built.actor, run=run)
    assert differences(demo, replayed_snapshot(run)) == []
    assert RunTutorChange.objects.filter(run=run).count() == len(demo["tutors"])


# --- Invariants the services enforce, on every demo record --------------------------------------


def test_every_demo_course_is_co_produced_by_a_peer_and_a_staff_tutor_of_the_college(built):
    for course in Course.objects.filter(college=built.demo).prefetch_related("co_producers"):
        tutors = list(course.co_producers.all())
        assert services.missing_kinds(tutors) == "", course.title
        assert all(t.college_id == built.demo.pk for t in tutors), course.title


def test_every_demo_session_is_recorded_as_the_services_record_it(built):
    for r in built.runs:
        where = f"{r['course']}, {r['term']}, from {r['start_date']}"
        for s in r["sessions"]:
            kinds = Counter(built.kinds[e] for e in s["delivered_by"])
            assert (s["peer_count"], s["staff_count"]) == (kinds["peer"], kinds["staff"]), (where, s["date"])
            if s["status"] == "delivered":
                assert s["peer_count"] >= 1 and s["staff_count"] >= 1, (where, s["date"])
                assert not s["cancel_reason"] and not s["cancel_note"], (where, s["date"])
            else:
                assert not s["delivered_by"] and s["head_count"] is None, (where, s["date"])
            if s["status"] == "cancelled":
                assert s["cancel_reason"] in Session.CancelReason.values, (where, s["date"])
                assert s["cancel_reason"] != "other" or s["cancel_note"], (where, s["date"])
                # run_cancelled only from run_cancel: session_cancel refuses it.
                assert (s["cancel_reason"] == "run_cancelled") == (r["status"] == "cancelled"), (where, s["date"])
            if s["status"] == "scheduled":
                assert not s["cancel_reason"] and not s["cancel_note"], (where, s["date"])
            else:
                assert s["date"] <= built.today, (where, s["date"])  # the services refuse later dates


def test_every_demo_run_is_as_the_services_leave_it(built):
    terms = {(t.season, t.year): t for t in Term.objects.filter(college=built.demo)}
    courses = built.courses
    for r in built.runs:
        where = f"{r['course']}, {r['term']}, from {r['start_date']}"
        term = terms[r["term"]]
        # run_create's checks (_check_run) and its weekly sessions.
        assert r["start_date"].weekday() == r["weekday"], where
        assert term.starts_on <= r["start_date"] <= term.ends_on, where
        assert r["end_time"] > r["start_time"], where
        assert r["online"] == (r["room"] is None), where
        assert r["capacity"] >= 1, where
        n = courses[r["course"]]["number_of_sessions"]
        assert r["session_dates"] == [r["start_date"] + dt.timedelta(weeks=i) for i in range(n)], where
        assert all((s["start_time"], s["end_time"]) == (r["start_time"], r["end_time"]) for s in r["sessions"]), where
        statuses = {s["status"] for s in r["sessions"]}
        if r["status"] == "cancelled":
            # run_cancel: always a reason (a note for "other"); no session left scheduled.
            assert r["cancel_reason"] in CourseRun.CancelReason.values, where
            assert r["cancel_reason"] != "other" or r["cancel_note"], where
            assert "scheduled" not in statuses, where
            continue
        assert not r["cancel_reason"] and not r["cancel_note"], where
        # session_record_delivery / session_cancel: completed once none is left to record, running
        # once a session is delivered; before that, planned (a gap) or confirmed (staffed).
        if statuses and "scheduled" not in statuses:
            expected = {"completed"}
        elif "delivered" in statuses:
            expected = {"running"}
        else:
            expected = {"planned", "confirmed"}
        recorded = [(s["date"], s["status"], s["cancel_reason"]) for s in r["sessions"]]
        assert r["status"] in expected, (
            f"{where}: status {r['status']!r}, the services give {sorted(expected)} for sessions {recorded}"
        )
        # Before any session is recorded: confirmed when staffed (as "Confirm the run"), else planned.
        staffed = {built.kinds[e] for e in r["tutors"]} >= {"peer", "staff"}
        if expected == {"planned", "confirmed"}:
            assert r["status"] == ("confirmed" if staffed else "planned"), where
