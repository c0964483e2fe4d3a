"""Write the demo College to the database: `generate(seed=2019) -> summary`.

The College is simulated in plain Python first (tandem.demo.simulate: same seed, same College)
and then written in one transaction with bulk inserts, many-to-many rows included. Every name is
invented. The demo's "today" is timeline.TODAY (2019-11-15), never the machine clock.
"""

import hashlib
import random
from collections import Counter
from datetime import UTC, date, datetime
from importlib import import_module

from django.apps import apps
from django.db import transaction

from tandem.accounts.models import Role, User
from tandem.audit.services import record
from tandem.core.models import College, Organisation, Room, Site, Term
from tandem.core.versions import bump
from tandem.courses.models import Course, CourseRun, Session
from tandem.qi.demo import populate as populate_qi_project
from tandem.qi.models import QIProject
from tandem.tutors.models import Tutor

from . import data
from .people import TRAINING_DRIVE
from .release import CULTURE_CHANGES
from .simulate import QI_PROJECT, simulate
from .timeline import TODAY, term_dates

ACCOUNTS_FROM = date(2014, 7, 1)  # when the College's first accounts were made

# The demo logins, one per role (all with data.DEMO_PASSWORD).
LOGINS = (
    ("admin", Role.COLLEGE_ADMIN),
    ("qi", Role.QI_TEAM),
    ("tutor", Role.TUTOR),
    ("peer", Role.TUTOR),
    ("manager", Role.LINE_MANAGER),
    ("leader", Role.LEADER),
    ("student", Role.STUDENT),  # made by tandem.students.demo, with the student's records
)


def change_ideas():
    """The QI project's changes and when they happened (for annotations on the charts)."""
    out = [{"on": QI_PROJECT["starts_on"], "what": "QI project starts"}]
    out += [{"on": since, "what": label} for since, _factor, label in CULTURE_CHANGES]
    out += [
        {"on": on, "what": "Co-production training cohort for Trust staff (training drive)"}
        for on, _n in TRAINING_DRIVE
    ]
    out.append({"on": term_dates(*data.SHORT_FORMATS_FROM)[0], "what": "Shorter formats of long courses offered"})
    return sorted(out, key=lambda c: c["on"])


def _joined(day):
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _user(username, first, last, email, role, college, joined, **extra):
    return User(
        username=username,
        first_name=first,
        last_name=last,
        email=email,
        role=role,
        college=college,
        date_joined=_joined(joined),
        **extra,
    )


AREA_DEMOS = [
    ("tandem.release", "tandem.release.demo"),
    ("tandem.stories", "tandem.stories.demo"),
    ("tandem.payments", "tandem.payments.demo"),
    ("tandem.planning", "tandem.planning.demo"),
    ("tandem.students", "tandem.students.demo"),
    # An area's random stream follows from its place here: a new area goes last.
    ("tandem.pipeline", "tandem.pipeline.demo"),
]


class DemoError(Exception):
    """The demo cannot be loaded into this database (one line, for the command to print)."""


@transaction.atomic
def generate(seed=2019, *, slug=data.COLLEGE_SLUG):
    """Create the demo College from `seed` and return a summary of what was written.

    With another `slug`, one more College of the same kind (a regional installation's neighbour,
    for trying or measuring many Colleges): named after its slug, its usernames `<slug>-admin`,
    `<slug>-leader`, … and `<slug>-<first>.<last>` for its line managers; the Trust and the
    other employers are shared with the Colleges already there."""
    world = simulate(seed)
    if College.objects.filter(slug=slug).exists():
        raise DemoError(f"a College with slug {slug!r} already exists")
    for m in world.managers:
        m.username = data.login(m.username, slug)
    usernames = [data.login(name, slug) for name, _role in LOGINS] + [m.username for m in world.managers]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise DemoError(f"the database already has a user named {taken[0]!r}, which the demo needs")

    # Employers: reuse any already recorded under the same name.
    org = {o.name: o for o in Organisation.objects.filter(name__in=[n for n, _t in data.ORGANISATIONS])}
    Organisation.objects.bulk_create([Organisation(name=n, is_trust=t) for n, t in data.ORGANISATIONS if n not in org])
    org = {o.name: o for o in Organisation.objects.filter(name__in=[n for n, _t in data.ORGANISATIONS])}
    # The demo College carries its own clock: its records stop at TODAY, so its pages do too.
    name = data.COLLEGE_NAME if slug == data.COLLEGE_SLUG else f"{data.COLLEGE_NAME} ({slug})"
    college = College.objects.create(name=name, slug=slug, trust=org[data.TRUST], clock_date=TODAY)

    sites = Site.objects.bulk_create([Site(college=college, name=n, kind=k) for n, k, _rooms in data.SITES])
    rooms = Room.objects.bulk_create(
        [Room(site=sites[s], name=name, capacity=cap, accessible=acc) for s, name, cap, acc in world.rooms]
    )
    terms = Term.objects.bulk_create(
        [Term(college=college, season=s, year=y, starts_on=a, ends_on=b) for s, y, a, b in world.terms]
    )

    # Accounts: every line manager, then the demo logins for the other roles.
    team_employer = {team: employer for team, employer, _p, _prof in data.TEAMS}
    users = []
    for m in world.managers:
        u = _user(
            m.username,
            m.first_name,
            m.last_name,
            f"{m.first_name}.{m.last_name}@{data.EMAIL_DOMAINS[team_employer[m.team]]}".lower(),
            Role.LINE_MANAGER,
            college,
            ACCOUNTS_FROM,
        )
        users.append(u)
    manager_users = list(users)
    (af, al), (qf, ql), (lf, ll) = world.demo_names
    admin = _user(
        data.login("admin", slug),
        af,
        al,
        f"{af}.{al}@northvale-college.example".lower(),
        Role.COLLEGE_ADMIN,
        college,
        ACCOUNTS_FROM,
    )
    qi = _user(
        data.login("qi", slug),
        qf,
        ql,
        f"{qf}.{ql}@northvale-nhs.example".lower(),
        Role.QI_TEAM,
        college,
        QI_PROJECT["starts_on"],
    )
    leader = _user(
        data.login("leader", slug),
        lf,
        ll,
        f"{lf}.{ll}@northvale-nhs.example".lower(),
        Role.LEADER,
        college,
        QI_PROJECT["starts_on"],
    )
    demo_tutor, demo_peer = world.tutors[world.demo_tutor], world.tutors[world.demo_peer]
    tutor_user = _user(
        data.login("tutor", slug),
        demo_tutor.first_name,
        demo_tutor.last_name,
        demo_tutor.email,
        Role.TUTOR,
        college,
        demo_tutor.trained_on,
    )
    peer_user = _user(
        data.login("peer", slug),
        demo_peer.first_name,
        demo_peer.last_name,
        demo_peer.email,
        Role.TUTOR,
        college,
        demo_peer.trained_on,
    )
    users += [admin, qi, leader, tutor_user, peer_user]
    # The demo logins share one published password: set_password on the first and give the others
    # the same hash (key stretching costs about a quarter of a second per account). The other line
    # managers cannot log in.
    demo_usernames = {data.login(name, slug) for name, _role in LOGINS}
    hashed = None
    for u in users:
        if u.username not in demo_usernames:
            u.set_unusable_password()
        elif hashed is None:
            u.set_password(data.DEMO_PASSWORD)
            hashed = u.password
        else:
            u.password = hashed
    User.objects.bulk_create(users)

    tutors = Tutor.objects.bulk_create(
        [
            Tutor(
                college=college,
                kind=t.kind,
                first_name=t.first_name,
                last_name=t.last_name,
                email=t.email,
                status=t.status,
                coproduction_trained_on=t.trained_on,
                joined_on=t.joined_on,
                left_on=t.left_on,
                employer=org[t.employer] if t.employer else None,
                profession=t.profession,
                team=t.team,
                line_manager=manager_users[t.manager] if t.manager is not None else None,
                user=tutor_user if t.key == world.demo_tutor else peer_user if t.key == world.demo_peer else None,
            )
            for t in world.tutors
        ]
    )

    courses = Course.objects.bulk_create(
        [
            Course(
                college=college,
                title=c.title,
                topic=c.topic,
                description=c.description,
                number_of_sessions=c.sessions,
                hours_per_session=c.hours,
                status=c.status,
            )
            for c in world.courses
        ]
    )
    CoProducer = Course.co_producers.through
    CoProducer.objects.bulk_create(
        [CoProducer(course_id=courses[c.key].pk, tutor_id=tutors[k].pk) for c in world.courses for k in c.co_producers]
    )

    runs = CourseRun.objects.bulk_create(
        [
            CourseRun(
                course=courses[r.course],
                term=terms[r.term],
                weekday=r.weekday,
                start_time=r.start_time,
                end_time=r.end_time,
                start_date=r.start_date,
                online=r.online,
                room=rooms[r.room] if r.room is not None else None,
                capacity=r.capacity,
                status=r.status,
                cancel_reason=r.cancel_reason,
                cancel_note=r.cancel_note,
            )
            for r in world.runs
        ]
    )
    RunTutor = CourseRun.tutors.through
    RunTutor.objects.bulk_create(
        [RunTutor(courserun_id=runs[r.key].pk, tutor_id=tutors[k].pk) for r in world.runs for k in r.tutors]
    )

    flat = [(r, s) for r in world.runs for s in r.sessions]
    kinds = [t.kind for t in world.tutors]
    sessions = Session.objects.bulk_create(
        [
            Session(
                run=runs[r.key],
                date=s.date,
                start_time=r.start_time,
                end_time=r.end_time,
                status=s.status,
                cancel_reason=s.cancel_reason,
                peer_count=sum(kinds[k] == "peer" for k in s.delivered_by),
                staff_count=sum(kinds[k] == "staff" for k in s.delivered_by),
            )
            for r, s in flat
        ]
    )
    DeliveredBy = Session.delivered_by.through
    DeliveredBy.objects.bulk_create(
        [
            DeliveredBy(session_id=row.pk, tutor_id=tutors[k].pk)
            for row, (_r, s) in zip(sessions, flat)
            for k in s.delivered_by
        ]
    )

    project = QIProject.objects.create(college=college, **QI_PROJECT)
    # The project's team, aims, driver diagram, PDSA cycles, annotations and scores (tandem.qi.demo),
    # from a random stream of its own so the College's records do not depend on it.
    qi_content = populate_qi_project(college, project, random.Random(seed))
    # Each area derives its demo records (release history, stories, payments, next term's wish
    # list, the staff-tutor pipeline) from the College's records, with a random stream of its own.
    areas = {}
    for k, (app, module) in enumerate(AREA_DEMOS, start=1):
        if apps.is_installed(app):
            areas[app.rsplit(".", 1)[-1]] = import_module(module).populate(college, random.Random(seed * 100 + k))
    record(actor=None, action="create", obj=college, note=f"Demo College generated from seed {seed}")

    summary = summarise(college)
    decisions = Counter(
        "pending" if d.approved is None else "approved" if d.approved else d.reason for d in world.decisions
    )
    summary.update(
        {
            "seed": seed,
            "today": TODAY.isoformat(),
            "release_decisions": {"total": len(world.decisions), **dict(sorted(decisions.items()))},
            "qi_project": qi_content,
            "areas": areas,
            "change_ideas": [{"on": c["on"].isoformat(), "what": c["what"]} for c in change_ideas()],
            "logins": {data.login(name, slug): role.value for name, role in LOGINS},
            "password": data.DEMO_PASSWORD,
        }
    )
    bump(college.pk)  # bulk inserts send no signals: what was computed for this College is out of date
    return summary


def summarise(college):
    """Counts of the College's records and a fingerprint of their content (read from the database)."""
    tutors = Tutor.objects.filter(college=college)
    runs = CourseRun.objects.filter(course__college=college)
    sessions = Session.objects.filter(run__course__college=college)
    return {
        "college": college.slug,
        "organisations": Organisation.objects.count(),
        "sites": Site.objects.filter(college=college).count(),
        "rooms": Room.objects.filter(site__college=college).count(),
        "terms": Term.objects.filter(college=college).count(),
        "users": User.objects.filter(college=college).count(),
        "line_managers": User.objects.filter(college=college, role=Role.LINE_MANAGER).count(),
        "tutors": {
            "total": tutors.count(),
            "peer": tutors.filter(kind=Tutor.Kind.PEER).count(),
            "staff": tutors.filter(kind=Tutor.Kind.STAFF).count(),
            "trust_staff": tutors.filter(kind=Tutor.Kind.STAFF, employer__is_trust=True).count(),
            "by_status": dict(sorted(Counter(tutors.values_list("status", flat=True)).items())),
        },
        "courses": Course.objects.filter(college=college).count(),
        "runs": {
            "total": runs.count(),
            "by_status": dict(sorted(Counter(runs.values_list("status", flat=True)).items())),
            "cancelled_by_reason": dict(
                sorted(
                    Counter(
                        runs.filter(status=CourseRun.Status.CANCELLED).values_list("cancel_reason", flat=True)
                    ).items()
                )
            ),
        },
        "sessions": {
            "total": sessions.count(),
            "by_status": dict(sorted(Counter(sessions.values_list("status", flat=True)).items())),
        },
        "fingerprint": fingerprint(college),
    }


def fingerprint(college):
    """A hash of the College's key records by their natural keys (no database ids, no password
    hashes): two Colleges generated from the same seed have the same fingerprint."""
    h = hashlib.sha256()

    def feed(rows):
        for row in sorted(repr(row) for row in rows):  # repr: rows may hold None beside dates
            h.update(row.encode())
        h.update(b"|")

    email = dict(Tutor.objects.filter(college=college).values_list("id", "email"))
    users = dict(User.objects.filter(college=college).values_list("id", "username"))
    feed(
        User.objects.filter(college=college).values_list(
            "username", "role", "first_name", "last_name", "email", "is_staff", "is_superuser", "date_joined"
        )
    )
    feed(
        (*row[:-2], users.get(row[-2]), users.get(row[-1]))
        for row in Tutor.objects.filter(college=college).values_list(
            "email",
            "kind",
            "first_name",
            "last_name",
            "status",
            "coproduction_trained_on",
            "joined_on",
            "left_on",
            "employer__name",
            "profession",
            "team",
            "line_manager_id",
            "user_id",
        )
    )
    feed(
        Course.objects.filter(college=college).values_list(
            "title", "topic", "description", "number_of_sessions", "hours_per_session", "status"
        )
    )
    feed(
        (title, email[t])
        for title, t in Course.co_producers.through.objects.filter(course__college=college).values_list(
            "course__title", "tutor_id"
        )
    )
    run_key = {
        pk: (title, f"{season} {year}", start, start_time)
        for pk, title, season, year, start, start_time in CourseRun.objects.filter(course__college=college).values_list(
            "pk", "course__title", "term__season", "term__year", "start_date", "start_time"
        )
    }
    feed(
        (run_key[pk], *rest)
        for pk, *rest in CourseRun.objects.filter(course__college=college).values_list(
            "pk",
            "weekday",
            "end_time",
            "online",
            "room__name",
            "room__site__name",
            "capacity",
            "status",
            "cancel_reason",
            "cancel_note",
        )
    )
    feed(
        (run_key[r], email[t])
        for r, t in CourseRun.tutors.through.objects.filter(courserun__course__college=college).values_list(
            "courserun_id", "tutor_id"
        )
    )
    session_key = {}
    rows = []
    for pk, run, day, *rest in Session.objects.filter(run__course__college=college).values_list(
        "pk", "run_id", "date", "start_time", "end_time", "status", "peer_count", "staff_count", "cancel_reason"
    ):
        session_key[pk] = (run_key[run], day)
        rows.append((run_key[run], day, *rest))
    feed(rows)
    feed(
        (session_key[s], email[t])
        for s, t in Session.delivered_by.through.objects.filter(session__run__course__college=college).values_list(
            "session_id", "tutor_id"
        )
    )
    feed(
        QIProject.objects.filter(college=college).values_list(
            "title", "problem", "starts_on", "goal_measure", "target_change_percent", "deadline"
        )
    )
    return h.hexdigest()
