"""The demo College's people: its line managers, and the tutors who join, train, teach, pause and
leave (the co-production training cohorts ahead of every term and the QI project's training drive
for Trust staff). Part of `tandem.demo.simulate`: the same `random.Random`, drawn in the same order.
"""

from datetime import date, timedelta
from itertools import product

from . import data
from .records import ManagerRec, TutorRec
from .timeline import COLLEGE_OPENS, SLOTS, TERMS, TODAY, term_dates

# Co-production training: a cohort ahead of every term; Trust and other-employer staff trainees per
# cohort (min, max), and peer trainees.
INITIAL_TRUST_STAFF, INITIAL_OTHER_STAFF, INITIAL_PEERS = 24, 6, 22
COHORT_TRUST_STAFF, COHORT_OTHER_STAFF_SHARE, COHORT_PEERS = (2, 4), 0.35, (3, 5)
# The QI project's training drive for Trust staff (change idea): extra cohorts in 2019.
TRAINING_DRIVE = ((date(2019, 3, 12), (6, 9)), (date(2019, 5, 14), (5, 7)), (date(2019, 7, 9), (4, 6)))
NEXT_COHORT_STAFF = (4, 7)  # signed up for the December 2019 cohort: "interested" on TODAY
STAFF_TENURE_YEARS, PEER_TENURE_YEARS = 3.5, 3.0
PAUSE_SHARE = 0.12
# Runs a tutor is willing to teach at the same time, and how many of the 15 weekly times
# (5 weekdays x 3 slots) their week leaves free for teaching.
STAFF_CAPACITY, STAFF_FREE_TIMES = ((1, 80), (2, 20)), (2, 4)
PEER_CAPACITY, PEER_FREE_TIMES = ((1, 30), (2, 50), (3, 20)), (5, 9)


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]


class _Names:
    """Unique invented (first, last) pairs, drawn without replacement."""

    def __init__(self, rng):
        self.pairs = list(product(data.FIRST_NAMES, data.LAST_NAMES))
        rng.shuffle(self.pairs)

    def next(self):
        return self.pairs.pop()


def _email(first, last, employer):
    local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    return f"{local}@{data.EMAIL_DOMAINS[employer]}"


def _recruit(world, rng, names, *, kind, employer, trained_on, signed_up=None):
    first, last = names.next()
    if kind == "staff":
        if employer == data.TRUST:
            index = rng.choices(range(len(data.TRUST_TEAM_WEIGHTS)), weights=data.TRUST_TEAM_WEIGHTS)[0]
        else:
            index = next(i for i, t in enumerate(data.TEAMS) if t[1] == employer)
        team, _employer, pressure, professions = data.TEAMS[index]
        profession = rng.choice(professions)
        manager = index
        capacity = _weighted(rng, STAFF_CAPACITY)
        free = rng.randint(*STAFF_FREE_TIMES)
        tenure_years = STAFF_TENURE_YEARS
    else:
        team, pressure, profession, manager = "", 0.0, "", None
        capacity = _weighted(rng, PEER_CAPACITY)
        free = rng.randint(*PEER_FREE_TIMES)
        tenure_years = PEER_TENURE_YEARS
    times = [(d, s) for d in range(5) for s in range(len(SLOTS))]
    weights = [SLOTS[s][1] for _d, s in times]
    chosen = []
    while len(chosen) < free:
        pick = rng.choices(times, weights=weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    reference = trained_on or signed_up
    joined_on = signed_up or (trained_on - timedelta(days=rng.randint(14, 60)))
    left_on = None
    tenure = max(150, int(rng.expovariate(1 / (tenure_years * 365))))
    if trained_on is not None and reference + timedelta(days=tenure) <= TODAY:
        left_on = reference + timedelta(days=tenure)
    pause = None
    if trained_on is not None and rng.random() < PAUSE_SHARE:
        # A break from teaching (leave, a busy spell at work, their own health) ...
        begins = trained_on + timedelta(days=rng.randint(100, 1000))
        if left_on is None and begins > TODAY:
            begins = TODAY - timedelta(days=rng.randint(20, 150))  # ... for some, going on now
        pause = (begins, begins + timedelta(days=rng.randint(90, 240)))
        if (left_on is not None and begins >= left_on) or begins <= trained_on:
            pause = None
    tutor = TutorRec(
        key=len(world.tutors),
        kind=kind,
        first_name=first,
        last_name=last,
        email=_email(first, last, employer),
        employer=employer,
        team=team,
        profession=profession,
        pressure=pressure,
        manager=manager,
        joined_on=joined_on,
        trained_on=trained_on,
        left_on=left_on,
        pause=pause,
        capacity=capacity,
        free=tuple(sorted(chosen)),
    )
    world.tutors.append(tutor)
    return tutor


def _cohort_date(rng, term_start):
    return term_start - timedelta(days=rng.randint(15, 35))


def _build_people(world, rng, names):
    for team, _employer, _pressure, _professions in data.TEAMS:
        first, last = names.next()
        world.managers.append(ManagerRec(key=len(world.managers), first_name=first, last_name=last, team=team))
    others = [name for name, is_trust in data.ORGANISATIONS if not is_trust]
    # The first cohorts, trained in the year before the College opened.
    for _ in range(INITIAL_TRUST_STAFF):
        trained = COLLEGE_OPENS - timedelta(days=rng.randint(20, 330))
        _recruit(world, rng, names, kind="staff", employer=data.TRUST, trained_on=trained)
    for i in range(INITIAL_OTHER_STAFF):
        trained = COLLEGE_OPENS - timedelta(days=rng.randint(20, 330))
        _recruit(world, rng, names, kind="staff", employer=others[i % len(others)], trained_on=trained)
    for _ in range(INITIAL_PEERS):
        trained = COLLEGE_OPENS - timedelta(days=rng.randint(20, 330))
        _recruit(world, rng, names, kind="peer", employer=None, trained_on=trained)
    # A cohort ahead of every later term.
    for season, year in TERMS[1:]:
        starts, _ends = term_dates(season, year)
        cohort = _cohort_date(rng, starts)
        for _ in range(rng.randint(*COHORT_TRUST_STAFF)):
            _recruit(world, rng, names, kind="staff", employer=data.TRUST, trained_on=cohort)
        if rng.random() < COHORT_OTHER_STAFF_SHARE:
            _recruit(world, rng, names, kind="staff", employer=rng.choice(others), trained_on=cohort)
        for _ in range(rng.randint(*COHORT_PEERS)):
            _recruit(world, rng, names, kind="peer", employer=None, trained_on=cohort)
    # The QI project's co-production training drive for Trust staff.
    for cohort, size in TRAINING_DRIVE:
        for _ in range(rng.randint(*size)):
            _recruit(world, rng, names, kind="staff", employer=data.TRUST, trained_on=cohort)
    # Signed up for the next cohort, not yet trained.
    for _ in range(rng.randint(*NEXT_COHORT_STAFF)):
        signed_up = TODAY - timedelta(days=rng.randint(5, 60))
        _recruit(world, rng, names, kind="staff", employer=data.TRUST, trained_on=None, signed_up=signed_up)
    for _ in range(rng.randint(1, 3)):
        signed_up = TODAY - timedelta(days=rng.randint(5, 60))
        _recruit(world, rng, names, kind="peer", employer=None, trained_on=None, signed_up=signed_up)
