"""Structural validation of a `tandem.plan-instance/1` document.

Everything here is about the *shape* of the data (types, ranges, references, pins naming
people who cannot teach the course). Rule violations that depend on the plan (a pin clashing
with another pin, too few hours) are not errors: they make the instance infeasible, and the
solver reports them as conflicts.
"""

from .errors import InstanceError

SCHEMA = "tandem.plan-instance/1"
TABLES = ("calendar", "rules", "topics", "colleges", "sites", "rooms", "courses", "tutors", "runs")


def _where(table, i, item):
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{table}[{i}] ({ident})" if isinstance(ident, str) else f"{table}[{i}]"


def _is_int(v):
    # bool is an int subclass in Python; JSON true/false is never a count.
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and v == v


class _V:
    """Small helpers that raise InstanceError naming `where.field`."""

    def __init__(self, where, obj):
        self.where = where
        self.obj = obj
        if not isinstance(obj, dict):
            raise InstanceError(f"{where}: must be an object, got {type(obj).__name__}")

    def get(self, key, kind, *, nullable=False, optional=False, default=None, minimum=None):
        if key not in self.obj:
            if optional:
                return default
            raise InstanceError(f"{self.where}.{key}: missing field")
        v = self.obj[key]
        name = f"{self.where}.{key}"
        if v is None:
            if nullable or optional:
                return None if not optional or nullable else default
            raise InstanceError(f"{name}: must not be null")
        ok = {
            "int": _is_int,
            "num": _is_num,
            "str": lambda x: isinstance(x, str) and x != "",
            "bool": lambda x: isinstance(x, bool),
            "list": lambda x: isinstance(x, list),
            "dict": lambda x: isinstance(x, dict),
        }[kind](v)
        if not ok:
            want = {
                "int": "an integer",
                "num": "a number",
                "str": "a non-empty string",
                "bool": "true or false",
                "list": "a list",
                "dict": "an object",
            }[kind]
            raise InstanceError(f"{name}: must be {want}, got {v!r}"[:300])
        if minimum is not None and v < minimum:
            raise InstanceError(f"{name}: must be >= {minimum}, got {v!r}")
        return v


def _dayslots(name, value, ndays, nslots):
    if not isinstance(value, list):
        raise InstanceError(f"{name}: must be a list of [day, slot] pairs")
    out = []
    for j, ds in enumerate(value):
        if not isinstance(ds, list) or len(ds) != 2 or not all(_is_int(x) for x in ds):
            raise InstanceError(f"{name}[{j}]: must be a [day, slot] pair of integers, got {ds!r}")
        d, s = ds
        if not (0 <= d < ndays and 0 <= s < nslots):
            raise InstanceError(f"{name}[{j}]: day-slot {ds!r} is outside the calendar ({ndays} days, {nslots} slots)")
        out.append((d, s))
    return out


def _id_list(name, value, known, what):
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise InstanceError(f"{name}: must be a list of {what} ids")
    for x in value:
        if x not in known:
            raise InstanceError(f"{name}: unknown {what} {x!r}")
    return value


def _unique_ids(table, items):
    seen = {}
    for i, item in enumerate(items):
        ident = _V(f"{table}[{i}]", item).get("id", "str")
        if ident in seen:
            raise InstanceError(f"{table}[{i}].id: duplicate id {ident!r}")
        seen[ident] = item
    return seen


def validate_tutor(where, t, ctx, *, require_id=True):
    """Check one tutor-like object. Shared with what-if candidate profiles."""
    v = _V(where, t)
    if require_id:
        v.get("id", "str")
    role = v.get("role", "str")
    if role not in ("peer", "staff"):
        raise InstanceError(f"{where}.role: must be 'peer' or 'staff', got {role!r}")
    college = v.get("college", "str")
    if college not in ctx["colleges"]:
        raise InstanceError(f"{where}.college: unknown college {college!r}")
    _id_list(f"{where}.sites", v.get("sites", "list"), ctx["sites"], "site")
    v.get("online_ok", "bool")
    _id_list(f"{where}.qualified", v.get("qualified", "list"), ctx["courses"], "course")
    _dayslots(f"{where}.available", v.get("available", "list"), ctx["ndays"], ctx["nslots"])
    weeks = v.get("unavailable_weeks", "list")
    for j, w in enumerate(weeks):
        if not _is_int(w) or not 1 <= w <= ctx["weeks"]:
            raise InstanceError(f"{where}.unavailable_weeks[{j}]: must be a week 1..{ctx['weeks']}, got {w!r}")
    v.get("max_sessions", "int", minimum=0)
    if role == "staff":
        v.get("release_hours", "num", minimum=0)
    else:
        rel = v.get("release_hours", "num", nullable=True, minimum=0)
        del rel  # peers have no release; a number is tolerated and ignored
    v.get("paid", "bool")


def validate_instance(inst):
    """Raise InstanceError (message names the field or id) unless `inst` is well formed."""
    if not isinstance(inst, dict):
        raise InstanceError("instance: must be a JSON object")
    if "schema" in inst and inst["schema"] != SCHEMA:
        raise InstanceError(f"schema: expected {SCHEMA!r}, got {inst['schema']!r}")
    for key in TABLES:
        if key not in inst:
            raise InstanceError(f"{key}: missing field")
    for key in TABLES[2:]:
        if not isinstance(inst[key], list):
            raise InstanceError(f"{key}: must be a list")

    cal = _V("calendar", inst["calendar"])
    weeks = cal.get("weeks", "int", minimum=1)
    days = cal.get("days", "list")
    if not days or not all(isinstance(d, str) for d in days):
        raise InstanceError("calendar.days: must be a non-empty list of day names")
    slots = cal.get("slots", "list")
    if not slots:
        raise InstanceError("calendar.slots: must be a non-empty list")
    for i, s in enumerate(slots):
        _V(f"calendar.slots[{i}]", s).get("id", "str")
    _V("rules", inst["rules"]).get("prep_hours_per_session", "num", minimum=0)

    topics = _unique_ids("topics", inst["topics"])
    colleges = _unique_ids("colleges", inst["colleges"])
    sites = _unique_ids("sites", inst["sites"])
    for i, s in enumerate(inst["sites"]):
        v = _V(_where("sites", i, s), s)
        if v.get("college", "str") not in colleges:
            raise InstanceError(f"{v.where}.college: unknown college {s['college']!r}")
        kind = v.get("kind", "str", optional=True, default="hub")
        if kind not in ("hub", "community"):
            raise InstanceError(f"{v.where}.kind: must be 'hub' or 'community', got {kind!r}")
    ctx = {
        "ndays": len(days),
        "nslots": len(slots),
        "weeks": weeks,
        "colleges": colleges,
        "sites": sites,
        "topics": topics,
    }

    rooms = _unique_ids("rooms", inst["rooms"])
    for i, r in enumerate(inst["rooms"]):
        v = _V(_where("rooms", i, r), r)
        if v.get("site", "str") not in sites:
            raise InstanceError(f"{v.where}.site: unknown site {r['site']!r}")
        v.get("capacity", "int", minimum=0)
        v.get("accessible", "bool")
        _dayslots(f"{v.where}.available", v.get("available", "list"), len(days), len(slots))

    courses = _unique_ids("courses", inst["courses"])
    ctx["courses"] = courses
    for i, c in enumerate(inst["courses"]):
        v = _V(_where("courses", i, c), c)
        if v.get("topic", "str") not in topics:
            raise InstanceError(f"{v.where}.topic: unknown topic {c['topic']!r}")
        n = v.get("sessions", "int", minimum=1)
        if n > weeks:
            raise InstanceError(f"{v.where}.sessions: {n} sessions do not fit in {weeks} weeks")
        v.get("session_hours", "num", minimum=0)

    tutors = _unique_ids("tutors", inst["tutors"])
    for i, t in enumerate(inst["tutors"]):
        validate_tutor(_where("tutors", i, t), t, ctx)

    _unique_ids("runs", inst["runs"])
    for i, r in enumerate(inst["runs"]):
        _validate_run(_where("runs", i, r), r, ctx, rooms, tutors)


def _validate_run(where, r, ctx, rooms, tutors):
    v = _V(where, r)
    course = v.get("course", "str")
    if course not in ctx["courses"]:
        raise InstanceError(f"{where}.course: unknown course {course!r}")
    college = v.get("college", "str")
    if college not in ctx["colleges"]:
        raise InstanceError(f"{where}.college: unknown college {college!r}")
    online = v.get("online", "bool")
    site = v.get("site", "str", nullable=True)
    if online:
        if site is not None and site not in ctx["sites"]:
            raise InstanceError(f"{where}.site: unknown site {site!r}")
    else:
        if site is None:
            raise InstanceError(f"{where}.site: a run that is not online needs a site")
        if site not in ctx["sites"]:
            raise InstanceError(f"{where}.site: unknown site {site!r}")
    v.get("cohort", "int", minimum=0)
    v.get("needs_accessible", "bool")
    _dayslots(f"{where}.allowed", v.get("allowed", "list"), ctx["ndays"], ctx["nslots"])
    lo = v.get("start_week_min", "int", minimum=1)
    hi = v.get("start_week_max", "int", minimum=1)
    if hi < lo:
        raise InstanceError(f"{where}.start_week_max: {hi} is before start_week_min {lo}")
    v.get("weight", "int", minimum=1)
    v.get("split_allowed", "bool")
    v.get("mandatory", "bool")
    pin = v.get("pinned", "dict", nullable=True)
    if pin is not None:
        _validate_pin(f"{where}.pinned", pin, r, ctx, rooms, tutors)


def _validate_pin(where, pin, run, ctx, rooms, tutors):
    v = _V(where, pin)
    d = v.get("day", "int", minimum=0)
    s = v.get("slot", "int", minimum=0)
    if d >= ctx["ndays"] or s >= ctx["nslots"]:
        raise InstanceError(f"{where}: day-slot [{d}, {s}] is outside the calendar")
    w = v.get("start_week", "int", minimum=1)
    if w > ctx["weeks"]:
        raise InstanceError(f"{where}.start_week: {w} is after the last week {ctx['weeks']}")
    room = v.get("room", "str", nullable=True, optional=True)
    if room is not None and room not in rooms:
        raise InstanceError(f"{where}.room: unknown room {room!r}")
    if run["online"] and room is not None:
        raise InstanceError(f"{where}.room: run {run['id']} is online, so its pin takes no room")
    if not run["online"] and room is None:
        raise InstanceError(f"{where}.room: run {run['id']} is not online, so its pin needs a room")
    blocks = v.get("blocks", "list", nullable=True, optional=True)
    if not blocks:
        return  # partial pin: time and room fixed, tutors chosen by the planner
    course = ctx["courses"][run["course"]]
    nblocks = 2 if run["split_allowed"] and course["sessions"] >= 2 else 1
    if len(blocks) > nblocks:
        raise InstanceError(
            f"{where}.blocks: run {run['id']} has at most {nblocks} block(s), the pin lists {len(blocks)}"
        )
    for j, b in enumerate(blocks):
        bw = f"{where}.blocks[{j}]"
        if b is None:
            continue
        bv = _V(bw, b)
        for role in ("peer", "staff"):
            tid = bv.get(role, "str", nullable=True, optional=True)
            if tid is None:
                continue
            if tid not in tutors:
                raise InstanceError(f"{bw}.{role}: unknown tutor {tid!r}")
            t = tutors[tid]
            if t.get("role") != role:
                raise InstanceError(f"{bw}.{role}: tutor {tid} is a {t.get('role')} tutor, not {role}")
            if run["course"] not in t.get("qualified", []):
                raise InstanceError(
                    f"{bw}.{role}: tutor {tid} is not qualified for course {run['course']} (run {run['id']})"
                )
