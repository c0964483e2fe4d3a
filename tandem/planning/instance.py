"""The planner's instance (tandem.plan-instance/1) built from the College's records.

`build_instance(wish_list)` gives the dict the planner reads; `build(wish_list)` also gives the
names behind its ids (for the pages) and notes on assumptions the planner made (tutors with no
availability recorded, staff tutors with no release budget, runs already on the timetable).

Ids are readable and typed (`tutor-12`, `course-3`, `site-1`, `room-4`, `run-57` for wished
run 57), so the planner's messages can be turned back into names (tandem.planning.present).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from tandem.courses.models import Course, CourseRun, Session
from tandem.release.models import ReleaseBudget
from tandem.release.services import approved_hours
from tandem.tutors.models import Tutor

from .models import TutorAvailability, WishedRun
from .slots import ALL_DAYSLOTS, SLOT_IDS, SLOTS, WEEKDAYS, first_monday, slot_index, term_weeks

SCHEMA = "tandem.plan-instance/1"
PLANNING_STATUSES = (Tutor.Status.TRAINED, Tutor.Status.ACTIVE)


def max_sessions_default():
    return int(settings.PLANNER_MAX_SESSIONS)


def prep_hours():
    return float(settings.PLANNER_PREP_HOURS_PER_SESSION)


def tutor_id(pk):
    return f"tutor-{pk}"


def course_id(pk):
    return f"course-{pk}"


def site_id(pk):
    return f"site-{pk}"


def room_id(pk):
    return f"room-{pk}"


def run_id(pk):
    return f"run-{pk}"


def pk_of(ident):
    return int(ident.rsplit("-", 1)[1])


def _num(value):
    """Decimal -> int where whole, else float (JSON numbers)."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class Built:
    instance: dict
    labels: dict
    notes: dict = field(default_factory=dict)


def planning_tutors(college, term):
    qs = Tutor.objects.filter(college=college, status__in=PLANNING_STATUSES).select_related("employer")
    return [
        t
        for t in qs.order_by("kind", "last_name", "first_name", "pk")
        if t.left_on is None or t.left_on > term.starts_on
    ]


def qualifications(tutors, course_ids):
    """tutor pk -> set of course pks they may teach: co-produced, taught (delivered a session)
    or assigned to a run of."""
    pks = [t.pk for t in tutors]
    out = defaultdict(set)
    rows = list(
        Course.co_producers.through.objects.filter(tutor_id__in=pks, course_id__in=course_ids).values_list(
            "tutor_id", "course_id"
        )
    )
    rows += list(
        Session.delivered_by.through.objects.filter(tutor_id__in=pks, session__run__course_id__in=course_ids)
        .values_list("tutor_id", "session__run__course_id")
        .distinct()
    )
    rows += list(
        CourseRun.tutors.through.objects.filter(tutor_id__in=pks, courserun__course_id__in=course_ids)
        .values_list("tutor_id", "courserun__course_id")
        .distinct()
    )
    for t, c in rows:
        out[t].add(c)
    return out


def availability(tutors):
    """tutor pk -> sorted list of [day, slot] (only tutors with rows)."""
    out = defaultdict(list)
    for t, d, s in TutorAvailability.objects.filter(tutor__in=tutors).values_list("tutor_id", "weekday", "slot"):
        if s in SLOT_IDS and 0 <= d < len(WEEKDAYS):
            out[t].append([d, SLOT_IDS.index(s)])
    return {t: sorted(v) for t, v in out.items()}


def release_hours(staff, term):
    """staff tutor pk -> hours left in the term's release budget (budget less approved
    requests), or None where no budget is set for the term."""
    budgets = dict(ReleaseBudget.objects.filter(tutor__in=staff, term=term).values_list("tutor_id", "hours"))
    out = {}
    for t in staff:
        if t.pk in budgets:
            out[t.pk] = max(Decimal("0"), budgets[t.pk] - approved_hours(t.pk, term.pk))
        else:
            out[t.pk] = None
    return out


def wished_runs(wish_list):
    return list(
        WishedRun.objects.filter(wish_list=wish_list, accepted_run__isnull=True)
        .select_related("course", "site")
        .order_by("pk")
    )


def build(wish_list):
    college, term = wish_list.college, wish_list.term
    weeks = term_weeks(term)
    wishes = wished_runs(wish_list)
    courses = sorted({w.course for w in wishes}, key=lambda c: c.pk)
    course_pks = [c.pk for c in courses]
    topics = sorted({c.topic for c in courses})
    topic_id = {name: f"topic-{i + 1}" for i, name in enumerate(topics)}
    sites = list(college.sites.order_by("pk"))
    rooms = [r for s in sites for r in s.rooms.order_by("pk")]
    tutors = planning_tutors(college, term)
    quals = qualifications(tutors, course_pks)
    avail = availability(tutors)
    staff = [t for t in tutors if t.kind == Tutor.Kind.STAFF]
    release = release_hours(staff, term)
    prep = prep_hours()
    max_sessions = max_sessions_default()
    longest = max([float(c.hours_per_session) for c in courses] + [0.0])
    unlimited = max_sessions * (longest + prep)  # "no budget set": never the binding limit

    # Runs already on this term's timetable keep their rooms and tutors: those day-slots are
    # taken for the whole term, and their sessions count against the tutors' limits.
    busy_room, busy_tutor, taken_sessions = defaultdict(set), defaultdict(set), defaultdict(int)
    existing = list(
        CourseRun.objects.filter(term=term)
        .exclude(status=CourseRun.Status.CANCELLED)
        .select_related("course")
        .prefetch_related("tutors")
    )
    for run in existing:
        if run.weekday >= len(WEEKDAYS):
            continue
        ds = (run.weekday, slot_index(run.start_time))
        if run.room_id:
            busy_room[run.room_id].add(ds)
        for t in run.tutors.all():
            busy_tutor[t.pk].add(ds)
            taken_sessions[t.pk] += run.course.number_of_sessions

    all_slots = [list(x) for x in ALL_DAYSLOTS]
    site_pks = [s.pk for s in sites]
    inst_tutors, no_availability, no_budget = [], [], []
    timetabled, sessions_taken = {}, {}
    for t in tutors:
        if t.pk in avail:
            available = avail[t.pk]
        else:
            available = [list(x) for x in ALL_DAYSLOTS]
            no_availability.append(t)
        if any(tuple(ds) in busy_tutor[t.pk] for ds in available):
            # said so beside the reasons: these times are free in the tutor's record but taken
            timetabled[tutor_id(t.pk)] = sorted(ds for ds in available if tuple(ds) in busy_tutor[t.pk])
        if taken_sessions[t.pk]:
            sessions_taken[tutor_id(t.pk)] = taken_sessions[t.pk]
        available = [ds for ds in available if tuple(ds) not in busy_tutor[t.pk]]
        hours = None
        if t.kind == Tutor.Kind.STAFF:
            if release[t.pk] is None:
                no_budget.append(t)
                hours = unlimited
            else:
                hours = _num(release[t.pk])
        inst_tutors.append(
            {
                "id": tutor_id(t.pk),
                "role": t.kind,
                "college": college.slug,
                "sites": [site_id(pk) for pk in site_pks],
                "online_ok": True,
                "qualified": [course_id(c) for c in sorted(quals.get(t.pk, ()))],
                "available": available,
                "unavailable_weeks": [],
                "max_sessions": max(0, max_sessions - taken_sessions[t.pk]),
                "release_hours": hours,
                "paid": t.kind == Tutor.Kind.PEER,
            }
        )

    runs = []
    for w in wishes:
        runs.append(
            {
                "id": run_id(w.pk),
                "course": course_id(w.course_id),
                "college": college.slug,
                "online": w.online,
                "site": None if w.online else site_id(w.site_id),
                "cohort": w.cohort,
                "needs_accessible": w.needs_accessible,
                "allowed": sorted([int(d), int(s)] for d, s in (w.allowed or [])),
                "start_week_min": w.start_week_min,
                "start_week_max": w.start_week_max,
                "weight": w.weight,
                "split_allowed": w.split_allowed,
                "mandatory": w.mandatory,
                "pinned": None,
            }
        )

    instance = {
        "schema": SCHEMA,
        "meta": {
            "generator": "tandem.planning",
            "college": college.slug,
            "term": str(term),
            "wish_list": wish_list.pk,
            "first_monday": first_monday(term).isoformat(),
            "no_release_budget": [tutor_id(t.pk) for t in no_budget],
            # informative only (the planner ignores meta): times free in a tutor's record but
            # taken by runs already on the timetable, and the sessions those runs use
            "timetabled": timetabled,
            "sessions_taken": sessions_taken,
        },
        "calendar": {
            "weeks": weeks,
            "days": list(WEEKDAYS),
            "slots": [{"id": sid, "start": f"{a:%H:%M}", "end": f"{b:%H:%M}"} for sid, _l, a, b in SLOTS],
        },
        "rules": {"prep_hours_per_session": prep},
        "topics": [{"id": topic_id[name], "name": name} for name in topics],
        "colleges": [{"id": college.slug}],
        "sites": [{"id": site_id(s.pk), "college": college.slug, "kind": s.kind} for s in sites],
        "rooms": [
            {
                "id": room_id(r.pk),
                "site": site_id(r.site_id),
                "capacity": r.capacity,
                "accessible": r.accessible,
                "available": [ds for ds in all_slots if tuple(ds) not in busy_room[r.pk]],
            }
            for r in rooms
        ],
        "courses": [
            {
                "id": course_id(c.pk),
                "topic": topic_id[c.topic],
                "sessions": c.number_of_sessions,
                "session_hours": _num(c.hours_per_session),
            }
            for c in courses
        ],
        "tutors": inst_tutors,
        "runs": runs,
        "objective": {
            "lexicographic": ["weighted_runs_offered", "continuity_breaks", "max_peer_paid_hours", "topic_fairness"]
        },
    }
    labels = {
        **{tutor_id(t.pk): t.full_name for t in tutors},
        **{course_id(c.pk): c.title for c in courses},
        **{site_id(s.pk): s.name for s in sites},
        **{room_id(r.pk): str(r) for r in rooms},
        **{run_id(w.pk): f"{w.course.title} (wish {w.pk})" for w in wishes},
        **{topic_id[name]: name for name in topics},
        "__college__": [college.slug, college.name],
    }
    notes = {
        "no_availability": [t.full_name for t in no_availability],
        "no_budget": [t.full_name for t in no_budget],
        "no_line_manager": [t.full_name for t in staff if t.line_manager_id is None],
        "existing_runs": len(existing),
        "peers": sum(1 for t in tutors if t.kind == Tutor.Kind.PEER),
        "staff": len(staff),
        "unqualified": [t.full_name for t in tutors if not quals.get(t.pk)],
        "weeks": weeks,
        "first_monday": first_monday(term),
        "max_sessions": max_sessions,
        "prep_hours": prep,
    }
    return Built(instance=instance, labels=labels, notes=notes)


def build_instance(wish_list):
    """The planner's instance for the wish list, in the tandem.plan-instance/1 format."""
    return build(wish_list).instance
