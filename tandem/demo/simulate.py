"""Five years of the demo College, simulated in plain Python (no Django).

Who joins, trains, teaches, pauses and leaves; which course runs the College wishes to offer each
term; whether a peer and a staff tutor can be found and the staff tutor released by their line
manager; which runs are cancelled or left as gaps; which sessions are delivered and by whom.
`tandem.demo.generate` writes the resulting World to the database. The people (who joins, trains,
pauses and leaves) are in `tandem.demo.people`; the calendar (TODAY, the terms) in `tandem.demo.timeline`.

Everything is drawn from one `random.Random(seed)`, in a fixed order, so a seed always gives the
same College. "Today" is the constant TODAY, never the machine clock.

The QI story is a mechanism, not numbers: from February 2019 the College runs a co-production
training drive for Trust staff, shares stories and presents the case to Trust leaders (both make
line managers release staff more often: tandem.demo.release.CULTURE_CHANGES), and from summer 2019
offers shorter formats of long courses. Whatever rise the outcome measure shows comes out of that.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import data
from .people import _build_people, _Names
from .records import CourseRec, DecisionRec, RunRec, SessionRec, World
from .release import length_band, release_decision
from .timeline import SLOTS, TERMS, TODAY, term_dates

QI_PROJECT = {
    "title": "More Trust staff teaching at the College",
    "problem": (
        "Fewer Trust staff teach at the College than at other Recovery Colleges. Staff find it hard "
        "to be released by their managers, above all for longer courses, so the College cannot offer "
        "all the courses it would like to. Goal: increase the number of Trust staff teaching at the "
        "College by 20% by October 2019."
    ),
    "starts_on": date(2019, 2, 1),
    "deadline": date(2019, 10, 31),
    "target_change_percent": Decimal("20"),
}


# Wished-for runs a term: the College's ambition grows from about 50 to about 68 over five years.
WISHED_RUNS_FIRST, WISHED_RUNS_LAST, WISHED_RUNS_SD = 50, 68, 1.5
WISHED_MIX = {"single": 0.25, "short": 0.42, "long": 0.33}  # share of wished runs by course length
MAX_RUNS_PER_COURSE = {"single": 4, "short": 3, "long": 3}
SHORT_FORMAT_SHARE = 0.5  # from summer 2019, share of a long course's runs offered in its short format
REQUEST_LEAD_DAYS = (10, 70)  # a release request is made this many days before a run starts
DECISION_DAYS = (2, 21)  # a line manager answers a release request within this many days
MAX_STAFF_ASKS = 3  # staff tutors asked (one after another) before a run is given up as unstaffed
SECOND_PEER_SHARE = 0.12  # runs taught by two peer tutors (three tutors in all)
SECOND_STAFF_SHARE = 0.08  # long runs that also ask for a second staff tutor
LOW_ENROLMENT_SHARE = 0.025  # staffed runs cancelled because too few students enrolled
SESSION_CANCEL_SHARE = 0.025  # single sessions cancelled (illness, building closed)
ABSENT_EXTRA_SHARE = 0.25  # in a three-tutor run, sessions one of the extra tutors misses
ONLINE_SHARE_FROM_2018 = 0.04
LOW_ENROLMENT_NOTE = "Fewer than six students enrolled"


def _term_index(season_year):
    return TERMS.index(season_year)


def _build_catalogue(world, rng):
    last = len(TERMS) - 1
    for title, topic, sessions, hours, first, until, demand in data.CATALOGUE:
        first_term = _term_index(first) if first else 0
        last_term = _term_index(until) if until else last
        world.courses.append(
            CourseRec(
                key=len(world.courses),
                title=title,
                topic=topic,
                sessions=sessions,
                hours=Decimal(hours),
                first_term=first_term,
                last_term=last_term,
                demand=demand,
                status="retired" if last_term < last else "active",
            )
        )
    short_from = _term_index(data.SHORT_FORMATS_FROM)
    for title, topic, sessions, hours, short_of in data.SHORT_FORMATS:
        world.courses.append(
            CourseRec(
                key=len(world.courses),
                title=title,
                topic=topic,
                sessions=sessions,
                hours=Decimal(hours),
                first_term=short_from,
                last_term=last,
                demand=0,
                short_of=short_of,
            )
        )
    by_title = {c.title: c for c in world.courses}
    for course in world.courses:
        starts, _ = term_dates(*TERMS[course.first_term])
        developed = starts - timedelta(days=30)

        def around(t, developed=developed):
            return (
                t.trained_on is not None and t.trained_on <= developed and (t.left_on is None or t.left_on > developed)
            )

        peers = [t.key for t in world.tutors if t.kind == "peer" and around(t)]
        staff = [t.key for t in world.tutors if t.kind == "staff" and around(t)]
        chosen = rng.sample(peers, rng.choice((1, 1, 2))) + rng.sample(staff, rng.choice((1, 1, 2)))
        if course.short_of:
            # A short format is condensed from the longer course by some of its co-producers.
            chosen = [k for k in by_title[course.short_of].co_producers if around(world.tutors[k])] + chosen
            chosen = list(dict.fromkeys(chosen))
        course.co_producers = sorted(chosen)
        length = {1: "a single session", 2: "two sessions"}.get(course.sessions, f"{course.sessions} weekly sessions")
        course.description = (
            f"{course.title}: {length} of {course.hours} hours, co-produced and co-delivered by a peer "
            f"tutor and a staff tutor. Topic: {course.topic}."
        )
        if course.short_of:
            course.description += f" A shorter format of {course.short_of}."


def _wished_courses(world, rng, term):
    """The courses the College would like to run this term (a course may run more than once):
    a steady mix of single-session, short and long courses, popular courses more often."""
    spread = (WISHED_RUNS_LAST - WISHED_RUNS_FIRST) * term / (len(TERMS) - 1)
    wanted = round(WISHED_RUNS_FIRST + spread + rng.gauss(0, WISHED_RUNS_SD))
    wanted = max(50, min(70, wanted))
    short = {c.short_of: c for c in world.courses if c.short_of and c.first_term <= term}
    counts = {}
    picks = []
    bands = list(WISHED_MIX)
    quota = {band: round(wanted * WISHED_MIX[band]) for band in bands}
    quota[bands[-1]] = wanted - sum(quota[b] for b in bands[:-1])
    for band in bands:
        offered = [
            c
            for c in world.courses
            if c.first_term <= term <= c.last_term and c.demand > 0 and length_band(c.sessions) == band
        ]
        taken = 0
        while taken < quota[band]:
            course = rng.choices(offered, weights=[c.demand for c in offered])[0]
            if counts.get(course.key, 0) >= MAX_RUNS_PER_COURSE[band]:
                continue
            counts[course.key] = counts.get(course.key, 0) + 1
            taken += 1
            if course.title in short and rng.random() < SHORT_FORMAT_SHARE:
                course = short[course.title]  # offered in its shorter format instead
            picks.append(course)
    return picks


def _lay_out(world, rng, course, term, occupied, week_load):
    """Weekday, time, start date, dates and venue of a run of `course` in `term`.

    The College spreads its runs over the term: a run starts in a week where few runs are on.
    """
    season, year = TERMS[term]
    starts, ends = term_dates(season, year)
    first_monday = starts - timedelta(days=starts.weekday())
    n = course.sessions
    online_share = ONLINE_SHARE_FROM_2018 if year >= 2018 else 0.0
    hours = float(course.hours)
    for _attempt in range(40):
        weekday = rng.randrange(5)
        slot = rng.choices(range(len(SLOTS)), weights=[w for _t, w in SLOTS])[0]
        lowest = 0 if first_monday + timedelta(days=weekday) >= starts else 1
        highest = (ends - (first_monday + timedelta(days=weekday))).days // 7 - (n - 1)
        if highest < lowest:
            continue
        weeks = range(lowest, highest + 1)
        week = min(weeks, key=lambda w: sum(week_load[w : w + n]) / n + rng.random() * 2)
        start_date = first_monday + timedelta(days=7 * week + weekday)
        dates = [start_date + timedelta(days=7 * k) for k in range(n)]
        start_time = SLOTS[slot][0]
        end_time = (datetime.combine(start_date, start_time) + timedelta(hours=hours)).time()
        online = rng.random() < online_share
        room = None if online else rng.randrange(len(world.rooms))
        if room is not None:
            key = (room, weekday, slot)
            if any(f <= dates[-1] and dates[0] <= to for f, to in occupied.get(key, ())):
                continue
            occupied.setdefault(key, []).append((dates[0], dates[-1]))
        for w in range(week, week + n):
            week_load[w] += 1
        if online:
            return weekday, slot, start_time, end_time, dates, True, None, 20
        capacity = min(world.rooms[room][2], rng.choice((12, 14, 15, 16, 18, 20)))
        return weekday, slot, start_time, end_time, dates, False, room, capacity
    raise RuntimeError(f"no room or time found for {course.title} in {season} {year}")


def _candidates(world, rng, run, course, kind, asked_on):
    free = [
        t
        for t in world.tutors
        if t.kind == kind
        and t.key not in run.tutors
        and t.available(
            asked_on=asked_on,
            first=run.dates[0],
            last=run.dates[-1],
            weekday=run.weekday,
            slot=run.slot,
        )
    ]
    # Co-producers of the course first, then whoever has taught least this term.
    order = {t.key: (t.key not in course.co_producers, t.load.get(run.term, 0), rng.random()) for t in free}
    return sorted(free, key=lambda t: order[t.key])


def _assign(run, tutor):
    tutor.take(term=run.term, weekday=run.weekday, slot=run.slot, first=run.dates[0], last=run.dates[-1])
    run.tutors.append(tutor.key)


def _ask_staff(world, rng, run, course, asks):
    """Ask free staff tutors one after another (each once the previous line manager has declined)
    until one is released. Returns the number of declines."""
    declines = 0
    asked_on = run.requested_on
    for tutor in _candidates(world, rng, run, course, "staff", run.requested_on)[:asks]:
        if asked_on >= run.start_date or asked_on > TODAY:
            break
        decided_on = min(asked_on + timedelta(days=rng.randint(*DECISION_DAYS)), run.start_date - timedelta(days=1))
        if decided_on > TODAY:
            # Still with the line manager on TODAY: the run waits, a gap on the timetable.
            world.decisions.append(
                DecisionRec(
                    run=run.key,
                    tutor=tutor.key,
                    manager=tutor.manager,
                    requested_on=asked_on,
                    decided_on=None,
                    approved=None,
                    reason="",
                    probability=None,
                )
            )
            break
        decision = release_decision(
            rng,
            sessions=course.sessions,
            team_pressure=tutor.pressure,
            requested_on=asked_on,
            starts_on=run.start_date,
        )
        world.decisions.append(
            DecisionRec(
                run=run.key,
                tutor=tutor.key,
                manager=tutor.manager,
                requested_on=asked_on,
                decided_on=decided_on,
                approved=decision.approved,
                reason=decision.reason,
                probability=decision.probability,
                note=decision.note,
            )
        )
        if decision.approved:
            _assign(run, tutor)
            return declines
        declines += 1
        asked_on = decided_on + timedelta(days=1)
    return declines


def _staff_run(world, rng, run, course):
    """Find the run's tutors; cancel it, or leave it as a gap, if a peer or staff tutor is lacking."""
    peers = _candidates(world, rng, run, course, "peer", run.start_date)
    if peers:
        _assign(run, peers[0])
        if len(peers) > 1 and rng.random() < SECOND_PEER_SHARE:
            _assign(run, peers[1])
    asked = run.requested_on <= TODAY
    declines = _ask_staff(world, rng, run, course, MAX_STAFF_ASKS) if asked else 0
    has_staff = any(world.tutors[k].kind == "staff" for k in run.tutors)
    if has_staff and course.sessions >= 6 and rng.random() < SECOND_STAFF_SHARE:
        _ask_staff(world, rng, run, course, 1)
    future = run.start_date > TODAY
    if not peers:
        reason, note = "no_peer_tutor", "No peer tutor free at this time"
    elif not has_staff:
        reason = "no_staff_tutor"
        if not asked:
            note = "Release not yet requested"
        elif declines:
            note = f"Staff release declined ({declines} request{'s' if declines > 1 else ''})"
        else:
            note = "No trained staff tutor free at this time"
    elif run.start_date < TODAY and rng.random() < LOW_ENROLMENT_SHARE:
        reason, note = "low_enrolment", LOW_ENROLMENT_NOTE
    else:
        reason, note = "", ""
    if reason and reason != "low_enrolment" and future:
        run.status = "planned"  # a gap on the timetable, still to be staffed
        run.cancel_note = ""
    elif reason:
        run.status, run.cancel_reason, run.cancel_note = "cancelled", reason, note
        if reason != "low_enrolment":
            for k in run.tutors:  # the peer tutor who was ready is free again at that time
                world.tutors[k].busy.remove((run.weekday, run.slot, run.dates[0], run.dates[-1]))
    elif run.dates[-1] < TODAY:
        run.status = "completed"
    elif run.start_date < TODAY:
        run.status = "running"
    else:
        run.status = "confirmed"


def _sessions(world, rng, run):
    tutors = [world.tutors[k] for k in run.tutors]
    peers = [t.key for t in tutors if t.kind == "peer"]
    staff = [t.key for t in tutors if t.kind == "staff"]
    for day in run.dates:
        if run.status == "cancelled":
            run.sessions.append(SessionRec(day, "cancelled", [], "run_cancelled"))
        elif day >= TODAY:
            run.sessions.append(SessionRec(day, "scheduled", []))
        elif rng.random() < SESSION_CANCEL_SHARE:
            # The same draw as before (the rest of the demo must not move): illness or a closed building.
            run.sessions.append(SessionRec(day, "cancelled", [], "tutor_unwell" if day.toordinal() % 3 else "venue"))
        else:
            who = peers[:1] + staff[:1]
            extras = peers[1:] + staff[1:]
            who += [k for k in extras if rng.random() >= ABSENT_EXTRA_SHARE]
            run.sessions.append(SessionRec(day, "delivered", sorted(who)))


def _simulate_terms(world, rng):
    for term, _season_year in enumerate(TERMS):
        occupied = {}
        week_load = [0] * 20
        planned = []
        for course in _wished_courses(world, rng, term):
            weekday, slot, start_time, end_time, dates, online, room, capacity = _lay_out(
                world, rng, course, term, occupied, week_load
            )
            requested_on = dates[0] - timedelta(days=rng.randint(*REQUEST_LEAD_DAYS))
            planned.append(
                RunRec(
                    key=0,
                    course=course.key,
                    term=term,
                    weekday=weekday,
                    slot=slot,
                    start_time=start_time,
                    end_time=end_time,
                    start_date=dates[0],
                    dates=dates,
                    online=online,
                    room=room,
                    capacity=capacity,
                    requested_on=requested_on,
                )
            )
        # Requests go out in the order the runs are planned: earliest request first.
        planned.sort(key=lambda r: (r.requested_on, r.start_date, r.start_time, r.course))
        for run in planned:
            run.key = len(world.runs)
            world.runs.append(run)
            _staff_run(world, rng, run, world.courses[run.course])
            _sessions(world, rng, run)


def _statuses(world):
    taught_until = {}
    for run in world.runs:
        if run.status != "cancelled":
            for k in run.tutors:
                taught_until[k] = max(taught_until.get(k, run.dates[-1]), run.dates[-1])
    for t in world.tutors:
        if t.left_on is not None and t.left_on <= TODAY:
            t.status = "left"
        elif t.trained_on is None:
            t.status = "interested"
        elif t.pause is not None and t.pause[0] <= TODAY <= t.pause[1]:
            t.status = "paused"
        elif taught_until.get(t.key, date.min) >= TODAY - timedelta(days=365):
            t.status = "active"
        else:
            t.status = "trained"


def _pick_demo_people(world):
    last_term = len(TERMS) - 1
    teaching_now = {k for r in world.runs if r.term == last_term and r.status != "cancelled" for k in r.tutors}
    # Prefer tutors with sessions still to come, so their timetable shows what is next.
    upcoming = {k for r in world.runs if r.status in ("running", "confirmed") for k in r.tutors}
    team_size = {}
    for t in world.tutors:
        if t.kind == "staff" and t.status in ("active", "trained", "paused"):
            team_size[t.manager] = team_size.get(t.manager, 0) + 1
    staff = [
        t
        for t in world.tutors
        if t.kind == "staff" and t.employer == data.TRUST and t.status == "active" and t.key in teaching_now
    ]
    staff.sort(key=lambda t: (t.key not in upcoming, -team_size.get(t.manager, 0), t.key))
    world.demo_tutor = staff[0].key
    world.demo_manager = staff[0].manager
    peers = [t for t in world.tutors if t.kind == "peer" and t.status == "active" and t.key in teaching_now]
    peers.sort(key=lambda t: (t.key not in upcoming, t.key))
    world.demo_peer = peers[0].key
    for m in world.managers:
        m.username = "manager" if m.key == world.demo_manager else f"{m.first_name}.{m.last_name}".lower()


def simulate(seed=2019):
    """The whole demo College as a World of plain records, from `seed` alone."""
    rng = random.Random(seed)
    rooms = [(s, name, cap, acc) for s, (_site, _kind, rs) in enumerate(data.SITES) for name, cap, acc in rs]
    world = World(seed=seed, terms=[(s, y, *term_dates(s, y)) for s, y in TERMS], rooms=rooms)
    names = _Names(rng)
    _build_people(world, rng, names)
    _build_catalogue(world, rng)
    _simulate_terms(world, rng)
    _statuses(world)
    _pick_demo_people(world)
    world.demo_names = [names.next() for _ in range(3)]  # admin, qi, leader
    return world
