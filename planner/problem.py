"""Internal, index-based form of a validated instance, and the static preprocessing.

A *day-slot* is one integer `ds = day * nslots + slot`. A run has one block, or two when
`split_allowed` (first ceil(n/2) sessions, then the rest); the model always gives a split run
two blocks and a plan whose two pairs are equal is written out as one block.

Preprocessing works out, for every run, which tutors could take each block at which day-slots
(qualified, at the site or online for the college, available, enough sessions / release for the
block, not on leave for at least one start week), which rooms fit, and — where nobody or
nothing fits in any plan — the static reason code and message.
"""

from dataclasses import dataclass

from .static import preprocess
from .validate import validate_instance


@dataclass
class Tutor:
    idx: int
    id: str
    role: str
    college: str
    sites: frozenset
    online_ok: bool
    online_colleges: frozenset  # colleges this tutor may teach online for
    qualified: frozenset
    avail: frozenset  # day-slots
    leave: frozenset  # 1-based weeks
    max_sessions: int
    release: float  # staff: release hours; peers: +inf (no release rule)
    paid: bool
    candidate: int = -1  # what-if: index of the candidate profile, -1 for real tutors


@dataclass
class Room:
    idx: int
    id: str
    site: str
    capacity: int
    accessible: bool
    avail: frozenset


@dataclass
class Pin:
    ds: int
    week: int
    room: int | None
    pairs: list  # per model block: [peer idx | None, staff idx | None]


@dataclass
class Run:
    idx: int
    id: str
    course: str
    topic: str
    sessions: int
    hours: float
    college: str
    online: bool
    site: str | None
    cohort: int
    needs_accessible: bool
    allowed: list  # day-slots in the order given
    weeks: list  # feasible start weeks (window clamped to the term)
    weight: int
    split: bool
    mandatory: bool
    pin: Pin | None
    blocks: list  # [(offset, length)]

    @property
    def required(self):
        return self.mandatory or self.pin is not None


class Problem:
    def __init__(self, inst, extra_tutors=()):
        """`inst` must be a validated instance; `extra_tutors` are what-if candidates."""
        cal = inst["calendar"]
        self.raw = inst
        self.W = cal["weeks"]
        self.days = list(cal["days"])
        self.slot_ids = [s["id"] for s in cal["slots"]]
        self.S = len(self.slot_ids)
        self.DS = len(self.days) * self.S
        self.prep = inst["rules"]["prep_hours_per_session"]
        self.site_college = {s["id"]: s["college"] for s in inst["sites"]}
        self.topics = [t["id"] for t in inst["topics"]]
        self.topic_name = {t["id"]: t.get("name", t["id"]) for t in inst["topics"]}
        self.courses = {c["id"]: c for c in inst["courses"]}
        self.tutors = [self._tutor(i, t) for i, t in enumerate(inst["tutors"])]
        for j, t in enumerate(extra_tutors):
            tt = self._tutor(len(self.tutors), t)
            tt.candidate = j
            self.tutors.append(tt)
        self.tutor_idx = {t.id: t.idx for t in self.tutors}
        self.rooms = [
            Room(
                i, r["id"], r["site"], r["capacity"], r["accessible"], frozenset(self.ds_of(*p) for p in r["available"])
            )
            for i, r in enumerate(inst["rooms"])
        ]
        self.room_idx = {r.id: r.idx for r in self.rooms}
        self.runs = [self._run(i, r) for i, r in enumerate(inst["runs"])]
        self.run_idx = {r.id: r.idx for r in self.runs}

    # -- naming -------------------------------------------------------------------------------
    def ds_of(self, day, slot):
        return day * self.S + slot

    def ds_pair(self, ds):
        return divmod(ds, self.S)

    def ds_name(self, ds):
        d, s = divmod(ds, self.S)
        return f"{self.days[d]} {self.slot_ids[s]}"

    def ds_names(self, dss, limit=8):
        names = [self.ds_name(d) for d in sorted(dss)]
        if len(names) > limit:
            names = names[:limit] + [f"and {len(names) - limit} more"]
        return ", ".join(names)

    def need_hours(self, run, length):
        """Release hours a staff tutor needs for `length` sessions of `run` (prep included)."""
        return length * (run.hours + self.prep)

    # -- construction -------------------------------------------------------------------------
    def _tutor(self, i, t):
        sites = frozenset(t["sites"])
        online_colleges = frozenset({t["college"]} | {self.site_college[s] for s in sites})
        release = t.get("release_hours")
        return Tutor(
            idx=i,
            id=t.get("id") or f"candidate-{i}",
            role=t["role"],
            college=t["college"],
            sites=sites,
            online_ok=t["online_ok"],
            online_colleges=online_colleges if t["online_ok"] else frozenset(),
            qualified=frozenset(t["qualified"]),
            avail=frozenset(self.ds_of(*p) for p in t["available"]),
            leave=frozenset(t["unavailable_weeks"]),
            max_sessions=t["max_sessions"],
            release=float(release) if t["role"] == "staff" else float("inf"),
            paid=t["paid"],
        )

    def _run(self, i, r):
        c = self.courses[r["course"]]
        n = c["sessions"]
        if r["split_allowed"] and n >= 2:
            first = (n + 1) // 2
            blocks = [(0, first), (first, n - first)]
        else:
            blocks = [(0, n)]
        last = min(r["start_week_max"], self.W - n + 1)
        weeks = list(range(r["start_week_min"], last + 1))
        allowed = []
        for p in r["allowed"]:
            ds = self.ds_of(*p)
            if ds not in allowed:
                allowed.append(ds)
        pin = None
        if r.get("pinned"):
            p = r["pinned"]
            room = p.get("room")
            given = []
            for b in p.get("blocks") or []:
                b = b or {}
                given.append(
                    [
                        self.tutor_idx.get(b.get("peer")) if b.get("peer") else None,
                        self.tutor_idx.get(b.get("staff")) if b.get("staff") else None,
                    ]
                )
            pairs = []
            for k in range(len(blocks)):
                # the spec: where a pin lists fewer blocks, the last one given applies to the rest
                pairs.append(list(given[min(k, len(given) - 1)]) if given else [None, None])
            pin = Pin(self.ds_of(p["day"], p["slot"]), p["start_week"], self.room_idx[room] if room else None, pairs)
        return Run(
            idx=i,
            id=r["id"],
            course=r["course"],
            topic=c["topic"],
            sessions=n,
            hours=c["session_hours"],
            college=r["college"],
            online=r["online"],
            site=r["site"],
            cohort=r["cohort"],
            needs_accessible=r["needs_accessible"],
            allowed=allowed,
            weeks=weeks,
            weight=r["weight"],
            split=len(blocks) == 2,
            mandatory=r["mandatory"],
            pin=pin,
            blocks=blocks,
        )

    # -- rules shared by preprocessing and greedy ----------------------------------------------
    def at_site(self, t, run):
        if run.online:
            return run.college in t.online_colleges
        return run.site in t.sites

    def room_fits(self, room, run):
        return room.site == run.site and room.capacity >= run.cohort and (room.accessible or not run.needs_accessible)

    def forbidden_weeks(self, t, run, block, weeks):
        off, ln = block
        if not t.leave:
            return frozenset()
        return frozenset(w for w in weeks if any((w + off + k) in t.leave for k in range(ln)))


def load(inst, extra_tutors=()):
    """Validate and build the Problem plus eligibility for every run."""
    validate_instance(inst)
    prob = Problem(inst, extra_tutors)
    return prob, preprocess(prob)
