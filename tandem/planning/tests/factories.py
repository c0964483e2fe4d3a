"""Planning records for tests (and the access matrix), and a small generated College.

`make_wish_list(w)` / `make_job(w)` build on the `world` fixture; `small_college(rng)` writes a
small College with a year of history, shaped like the demo (staff release is the bottleneck),
and its Spring 2020 wish list (tandem.planning.demo.populate)."""

import datetime as dt
from decimal import Decimal

from tandem.accounts.models import Role, User
from tandem.core.models import College, Organisation, Room, Site, Term
from tandem.courses.models import Course, CourseRun
from tandem.courses.tests.factories import deliver
from tandem.planning.instance import build
from tandem.planning.models import PlanJob, WishedRun, WishList
from tandem.planning.slots import DAYTIME_DAYSLOTS
from tandem.tutors.models import Tutor

SPRING_2020 = (dt.date(2020, 1, 6), dt.date(2020, 3, 27))


def spring_term(college):
    term, _ = Term.objects.get_or_create(
        college=college, season="spring", year=2020, defaults={"starts_on": SPRING_2020[0], "ends_on": SPRING_2020[1]}
    )
    return term


def make_wish_list(w, *, college=None, runs=2):
    """A Spring 2020 wish list of `runs` wished runs of the College's first course."""
    college = college or w.college
    term = spring_term(college)
    wl = WishList.objects.filter(term=term).first()
    if wl is None:
        wl = WishList.objects.create(college=college, term=term)
        course = Course.objects.filter(college=college).order_by("pk").first()
        site = college.sites.order_by("pk").first()
        for i in range(runs):
            WishedRun.objects.create(
                wish_list=wl,
                course=course,
                weight=1 + i,
                allowed=[list(x) for x in DAYTIME_DAYSLOTS],
                start_week_min=1,
                start_week_max=8,
                site=site,
                cohort=10,
            )
    return wl


def make_job(w, *, college=None, finished=True):
    """A job of a new wish list (plan_job), for pages that show a plan."""
    status = PlanJob.Status.FINISHED if finished else PlanJob.Status.QUEUED
    return plan_job(make_wish_list(w, college=college), status=status)


def plan_job(wl, *, status=PlanJob.Status.FINISHED):
    """A job of this wish list: finished with the quick greedy plan (no CP-SAT), running part way
    through its search, or waiting to start."""
    import planner

    built = build(wl)
    job = PlanJob(wish_list=wl, instance=built.instance, labels=built.labels, time_limit=5, status=status)
    if status == PlanJob.Status.FINISHED:
        result = planner.greedy_plan(built.instance)
        job.result = result
        job.progress = [
            [result["objective"], result["objective"] + 1, 0.01],
            [result["objective"], result["objective"], 0.2],
        ]
    elif status == PlanJob.Status.RUNNING:
        job.progress = [[10, 20, 0.05]]
    job.save()
    return job


TOPICS = ("Understanding mental health", "Recovery and wellbeing", "Living well")
COURSES = (
    ("Understanding anxiety", 0, 4),
    ("Understanding depression", 0, 6),
    ("Understanding psychosis", 0, 8),
    ("Hearing voices", 0, 2),
    ("Hope and recovery", 1, 1),
    ("Recovery planning", 1, 6),
    ("Managing stress", 1, 4),
    ("Sleep well", 2, 1),
    ("Mindfulness", 2, 6),
    ("Cooking on a budget", 2, 2),
    ("Physical health", 2, 4),
    ("Creative writing", 2, 8),
)
FIRST = (
    "Ash",
    "Bea",
    "Cal",
    "Dee",
    "Eli",
    "Fay",
    "Gus",
    "Hal",
    "Ivy",
    "Jo",
    "Kit",
    "Lou",
    "Max",
    "Ned",
    "Oli",
    "Pam",
    "Raj",
    "Sue",
    "Tam",
    "Uma",
)


def small_college(rng, *, slug="small", password="pw-small-admin-1"):
    """A small College (12 courses, 10 peer and 8 staff tutors, 3 rooms at 2 sites), a year of
    history and a Spring 2020 wish list. Returns (college, admin user)."""
    from tandem.planning import demo

    trust, _ = Organisation.objects.get_or_create(name="Northvale NHS Foundation Trust", defaults={"is_trust": True})
    college = College.objects.create(name="Small Recovery College", slug=slug, trust=trust)
    hub = Site.objects.create(college=college, name="Small Hub", kind="hub")
    library = Site.objects.create(college=college, name="Town Library", kind="community")
    rooms = [
        Room.objects.create(site=hub, name="Room A", capacity=16, accessible=True),
        Room.objects.create(site=hub, name="Room B", capacity=12, accessible=False),
        Room.objects.create(site=library, name="Study Room", capacity=14, accessible=True),
    ]
    last = Term.objects.create(
        college=college, season="spring", year=2019, starts_on=dt.date(2019, 1, 7), ends_on=dt.date(2019, 3, 29)
    )
    admin = User.objects.create_user(
        username=f"{slug}-admin",
        password=password,
        role=Role.COLLEGE_ADMIN,
        college=college,
        first_name="Ada",
        last_name="Admin",
    )
    manager = User.objects.create_user(
        username=f"{slug}-manager",
        password=password,
        role=Role.LINE_MANAGER,
        college=college,
        first_name="Mo",
        last_name="Manager",
        email=f"mo@{slug}.example.nhs.uk",
    )
    names = list(FIRST)
    rng.shuffle(names)
    peers = [
        Tutor.objects.create(
            college=college,
            kind="peer",
            first_name=names[i],
            last_name="Peerson",
            email=f"peer{i}@{slug}.example.org",
            status="active",
        )
        for i in range(10)
    ]
    staff = [
        Tutor.objects.create(
            college=college,
            kind="staff",
            first_name=names[10 + i],
            last_name="Staffer",
            email=f"staff{i}@{slug}.example.nhs.uk",
            status="active",
            employer=trust,
            profession="Nurse",
            team="Community",
            line_manager=manager,
        )
        for i in range(8)
    ]
    courses = []
    for title, topic, n in COURSES:
        c = Course.objects.create(
            college=college, title=title, topic=TOPICS[topic], number_of_sessions=n, hours_per_session=Decimal("2")
        )
        c.co_producers.set(rng.sample(peers, 3) + rng.sample(staff, rng.choice((1, 1, 2))))
        courses.append(c)
    # Last spring: one run of each course; a third of them cancelled for want of a staff tutor.
    for i, c in enumerate(courses):
        day, hour = i % 5, (10, 13, 18)[i % 3] if i % 4 else 10
        start = last.starts_on + dt.timedelta(days=day + 7 * (i % 3))
        cancelled = i % 3 == 2
        run = CourseRun.objects.create(
            course=c,
            term=last,
            weekday=day,
            start_time=dt.time(hour, 30 if hour == 13 else 0),
            end_time=dt.time(hour + 2, 30 if hour == 13 else 0),
            start_date=start,
            room=rooms[i % 3],
            status="cancelled" if cancelled else "planned",
            cancel_reason="no_staff_tutor" if cancelled else "",
        )
        if not cancelled:
            pair = [p for p in c.co_producers.all() if p.kind == "peer"][:1] + [
                s for s in c.co_producers.all() if s.kind == "staff"
            ][:1]
            run.tutors.set(pair)
            for k in range(c.number_of_sessions):  # the register's service completes the run
                deliver(run, start + dt.timedelta(days=7 * k), pair, start=run.start_time, end=run.end_time)
    demo.populate(college, rng)
    return college, admin


def wished_run_kwargs(w, *, college=None):
    wl = make_wish_list(w, college=college)
    return {"pk": wl.pk, "run_pk": wl.runs.order_by("pk").first().pk}
