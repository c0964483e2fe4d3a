"""The plain records the demo simulation builds (tandem.demo.simulate) and tandem.demo.generate
writes to the database. Tutors, managers, courses and runs refer to each other by `key`, their
index in the World's lists."""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal


@dataclass
class TutorRec:
    key: int
    kind: str
    first_name: str
    last_name: str
    email: str
    employer: str | None
    team: str
    profession: str
    pressure: float
    manager: int | None  # index into World.managers
    joined_on: date
    trained_on: date | None
    left_on: date | None
    pause: tuple | None
    capacity: int  # runs at the same time they are willing to teach
    free: tuple  # the (weekday, slot) times their week leaves free for teaching
    status: str = ""
    load: dict = field(default_factory=dict)  # term index -> runs taught
    busy: list = field(default_factory=list)  # (weekday, slot, first date, last date)

    def available(self, *, asked_on, first, last, weekday, slot):
        """Free to teach a run on these dates at this weekly time, if asked on `asked_on`."""
        if self.trained_on is None or self.trained_on > asked_on:
            return False
        if self.left_on is not None and self.left_on <= last:
            return False
        if self.pause is not None and self.pause[0] <= last and first <= self.pause[1]:
            return False
        if (weekday, slot) not in self.free:
            return False
        overlapping = [(w, s) for w, s, f, to in self.busy if f <= last and first <= to]
        return len(overlapping) < self.capacity and (weekday, slot) not in overlapping

    def take(self, *, term, weekday, slot, first, last):
        """Teach the run: busy at that time on those dates."""
        self.load[term] = self.load.get(term, 0) + 1
        self.busy.append((weekday, slot, first, last))


@dataclass
class ManagerRec:
    key: int
    first_name: str
    last_name: str
    team: str
    username: str = ""


@dataclass
class CourseRec:
    key: int
    title: str
    topic: str
    sessions: int
    hours: Decimal
    first_term: int
    last_term: int
    demand: int
    short_of: str = ""
    status: str = "active"
    co_producers: list = field(default_factory=list)
    description: str = ""


@dataclass
class SessionRec:
    date: date
    status: str
    delivered_by: list  # tutor keys
    cancel_reason: str = ""  # a cancelled session says why (courses.Session.CancelReason)


@dataclass
class DecisionRec:
    """One release request and its decision (what a release-request feature would persist)."""

    run: int
    tutor: int
    manager: int
    requested_on: date
    decided_on: date | None  # None: still waiting for the line manager on TODAY
    approved: bool | None  # None: pending
    reason: str  # a decline reason (tandem.demo.release.DECLINE_REASONS), else ""
    probability: float | None
    note: str = ""  # the line manager's explanation of an "other" decline


@dataclass
class RunRec:
    key: int
    course: int
    term: int
    weekday: int
    slot: int
    start_time: time
    end_time: time
    start_date: date
    dates: list
    online: bool
    room: int | None
    capacity: int
    requested_on: date
    tutors: list = field(default_factory=list)
    status: str = ""
    cancel_reason: str = ""
    cancel_note: str = ""
    sessions: list = field(default_factory=list)


@dataclass
class World:
    seed: int
    terms: list
    rooms: list  # (site index, name, capacity, accessible)
    tutors: list = field(default_factory=list)
    managers: list = field(default_factory=list)
    courses: list = field(default_factory=list)
    runs: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    demo_tutor: int | None = None
    demo_peer: int | None = None
    demo_manager: int | None = None
    demo_names: list = field(default_factory=list)  # (first, last) of the admin, qi and leader users
