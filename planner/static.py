"""Static preprocessing: who and what could serve each run in *some* plan.

The same cascade that builds the candidate lists also yields the static reason (first failing
filter) for runs nobody can staff, so about half the unoffered runs are explained here, before
any solving. A pinned run is restricted to its pin; a pin that breaks a rule on its own is
recorded as a conflict message instead of a reason code.
"""

from dataclasses import dataclass, field


@dataclass
class Elig:
    """What could staff run r in *some* plan (ignoring every other run)."""

    ds: list = field(default_factory=list)  # candidate day-slots (allowed, room, tutors)
    weeks: list = field(default_factory=list)
    rooms: dict = field(default_factory=dict)  # ds -> [room idx]
    # per block, per role: {tutor idx: (frozenset of ds, frozenset of forbidden start weeks)}
    peers: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    static: tuple | None = None  # (code, message) when the run cannot run in any plan


def names(items, limit=6):
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def place(run):
    return f"online for {run.college}" if run.online else f"at {run.site}"


def week_span(run, block, w):
    off, ln = block
    a, b = w + off, w + off + ln - 1
    return f"week {a}" if a == b else f"weeks {a}-{b}"


def _can_take(prob, t, run, block, role):
    """Qualified, at the site, limits large enough for the block (no time yet)."""
    if t.role != role or run.course not in t.qualified or not prob.at_site(t, run):
        return False
    ln = block[1]
    if t.max_sessions < ln:
        return False
    if role == "staff" and t.release < prob.need_hours(run, ln):
        return False
    return True


def _candidates(prob, run, block, role, ds_set, weeks, only=None):
    """{tutor idx: (usable day-slots, forbidden start weeks)} for one block and role."""
    out = {}
    pool = [prob.tutors[only]] if only is not None else prob.tutors
    for t in pool:
        if not _can_take(prob, t, run, block, role):
            continue
        dss = t.avail & ds_set
        if not dss:
            continue
        forb = prob.forbidden_weeks(t, run, block, weeks)
        if len(forb) == len(weeks):
            continue
        out[t.idx] = (dss, forb)
    return out


def _covers_all(prob, t, run):
    """Can one tutor take every block of the run (sessions and release)?"""
    return t.max_sessions >= run.sessions and t.release >= prob.need_hours(run, run.sessions)


def _role_ok(prob, run, role, c, ds, w):
    """Some tutor of `role` for each block at (ds, w); a split run whose only candidate is one
    tutor for both halves needs that tutor's limits to cover the whole run."""
    ok = [{t for t, (dss, forb) in c[bi].items() if ds in dss and w not in forb} for bi in range(len(run.blocks))]
    if not all(ok):
        return False
    union = set().union(*ok)
    return len(union) > 1 or _covers_all(prob, prob.tutors[next(iter(union))], run)


def eligibility(prob, run):
    e = Elig()
    pin = run.pin
    if pin is not None:
        ds_set = frozenset([pin.ds])
        weeks = [pin.week]
    else:
        ds_set = frozenset(run.allowed)
        weeks = list(run.weeks)
    rooms = {}
    if not run.online:
        for ds in ds_set:
            fit = [
                r.idx
                for r in prob.rooms
                if prob.room_fits(r, run) and ds in r.avail and (pin is None or r.idx == pin.room)
            ]
            if fit:
                rooms[ds] = fit
    cands = {"peer": [], "staff": []}
    for bi, block in enumerate(run.blocks):
        for k, role in enumerate(("peer", "staff")):
            only = pin.pairs[bi][k] if pin is not None else None
            cands[role].append(_candidates(prob, run, block, role, ds_set, weeks, only))
    # viable (day-slot, week) pairs: a room and, for every block, a peer and a staff tutor
    viable = []
    for ds in sorted(ds_set):
        if not run.online and ds not in rooms:
            continue
        for w in weeks:
            if all(_role_ok(prob, run, role, cands[role], ds, w) for role in cands):
                viable.append((ds, w))
    if viable:
        e.ds = sorted({ds for ds, _ in viable})
        e.weeks = sorted({w for _, w in viable})
        dsv = frozenset(e.ds)
        e.rooms = {ds: rooms[ds] for ds in e.ds} if not run.online else {}
        for role, lst in (("peer", e.peers), ("staff", e.staff)):
            for bi in range(len(run.blocks)):
                keep = {}
                for t, (dss, forb) in cands[role][bi].items():
                    dss = dss & dsv
                    forb = frozenset(w for w in forb if w in e.weeks)
                    if dss and len(forb) < len(e.weeks):
                        keep[t] = (dss, forb)
                lst.append(keep)
    elif pin is not None:
        e.static = ("PIN", pin_message(prob, run, cands))
    else:
        e.static = static_reason(prob, run)
    return e


def preprocess(prob):
    return [eligibility(prob, run) for run in prob.runs]


# -- static reasons ---------------------------------------------------------------------------


def static_reason(prob, run):
    """(code, message) for a run that cannot be staffed in any plan."""
    course = f"{run.course}"
    where = place(run)
    if not run.allowed:
        return "NO_COMMON_SLOT", f"Run {run.id} has no allowed day-slots."
    if not run.weeks:
        return (
            "NO_COMMON_SLOT",
            f"Run {run.id} ({run.sessions} sessions) cannot start in its window "
            f"(weeks {prob.raw['runs'][run.idx]['start_week_min']}-"
            f"{prob.raw['runs'][run.idx]['start_week_max']}) and finish by week {prob.W}.",
        )
    at_site = {}
    for role in ("peer", "staff"):
        q = [t for t in prob.tutors if t.role == role and run.course in t.qualified]
        if not q:
            return (
                f"NO_QUALIFIED_{role.upper()}",
                f"No {role} tutor is trained to teach {course} ({prob.topic_name.get(run.topic, run.topic)}).",
            )
        s = [t for t in q if prob.at_site(t, run)]
        if not s:
            how = f"teach online for {run.college}" if run.online else f"work at {run.site}"
            return (
                f"NO_{role.upper()}_AT_SITE",
                f"The {role} tutors trained for {course} ({names(t.id for t in q)}) do not {how}.",
            )
        at_site[role] = s
    released = at_site["staff"]
    for block in run.blocks:
        need = prob.need_hours(run, block[1])
        ok = [t for t in released if t.release >= need]
        if not ok:
            have = names(f"{t.id} {t.release:g} h" for t in released)
            return (
                "STAFF_RELEASE_TOO_SMALL",
                f"No staff tutor trained for {course} {where} has enough release: "
                f"{block[1]} sessions need {need:g} h ({run.hours:g} h + "
                f"{prob.prep:g} h preparation each); they have {have}.",
            )
    min_need = min(prob.need_hours(run, b[1]) for b in run.blocks)
    released = [t for t in released if t.release >= min_need]
    D = set(run.allowed)
    if not run.online:
        site_rooms = [r for r in prob.rooms if r.site == run.site]
        fit = [r for r in site_rooms if prob.room_fits(r, run)]
        if not fit:
            acc = " accessible" if run.needs_accessible else ""
            if not site_rooms:
                msg = f"There is no room at {run.site}."
            else:
                big = max(site_rooms, key=lambda r: r.capacity)
                msg = (
                    f"No{acc} room at {run.site} takes a cohort of {run.cohort} "
                    f"(rooms there: {names(f'{r.id} {r.capacity} places' + (', accessible' if r.accessible else '') for r in site_rooms)}; largest {big.id})."
                )
            return "NO_ROOM", msg
        D = {ds for ds in run.allowed if any(ds in r.avail for r in fit)}
        if not D:
            avail = set().union(*(r.avail for r in fit))
            return (
                "NO_ROOM",
                f"The rooms at {run.site} that fit a cohort of {run.cohort} "
                f"({names(r.id for r in fit)}) are not free on its allowed day-slots "
                f"({prob.ds_names(run.allowed)}); they are free {prob.ds_names(avail) or 'never'}.",
            )
    pools = {"peer": at_site["peer"], "staff": released}
    avail_pools = {}
    for role in ("peer", "staff"):
        pa = [t for t in pools[role] if t.avail & D]
        if not pa:
            theirs = set().union(*(t.avail for t in pools[role]))
            adj = "released " if role == "staff" else ""
            return (
                f"{role.upper()}_NOT_AVAILABLE_WHEN",
                f"No {adj}{role} tutor trained for {course} {where} is available on "
                f"{prob.ds_names(D)}; they are available {prob.ds_names(theirs) or 'never'}.",
            )
        avail_pools[role] = pa
    for role in ("peer", "staff"):
        for block in run.blocks:
            ok = [
                t
                for t in avail_pools[role]
                if _can_take(prob, t, run, block, role)
                and len(prob.forbidden_weeks(t, run, block, run.weeks)) < len(run.weeks)
            ]
            if not ok:
                why = []
                for t in avail_pools[role][:6]:
                    if t.max_sessions < block[1]:
                        why.append(f"{t.id} may teach {t.max_sessions} sessions")
                    elif role == "staff" and t.release < prob.need_hours(run, block[1]):
                        why.append(f"{t.id} has {t.release:g} release hours")
                    else:
                        why.append(f"{t.id} is on leave in weeks {', '.join(map(str, sorted(t.leave)))}")
                off, ln = block
                first, last = run.weeks[0] + off, run.weeks[-1] + off + ln - 1
                part = f"its {ln} sessions" if len(run.blocks) == 1 else f"sessions {off + 1}-{off + ln}"
                return (
                    f"{role.upper()}_BLOCKED_BY_LEAVE_OR_LIMITS",
                    f"No {role} tutor trained for {course} {where} and available then can take "
                    f"{part} (within weeks {first}-{last}): {'; '.join(why)}.",
                )
    if len(run.blocks) == 2:
        for role in ("peer", "staff"):
            only = {
                t.idx
                for t in avail_pools[role]
                for block in run.blocks
                if _can_take(prob, t, run, block, role)
                and len(prob.forbidden_weeks(t, run, block, run.weeks)) < len(run.weeks)
            }
            if len(only) == 1:
                t = prob.tutors[next(iter(only))]
                if not _covers_all(prob, t, run):
                    if role == "staff" and t.release < prob.need_hours(run, run.sessions):
                        return (
                            "STAFF_RELEASE_TOO_SMALL",
                            f"Only {t.id} could teach {course} {where} then, so would take both "
                            f"halves of the run: {run.sessions} sessions need "
                            f"{prob.need_hours(run, run.sessions):g} h of release and "
                            f"{t.id} has {t.release:g} h.",
                        )
                    return (
                        f"{role.upper()}_BLOCKED_BY_LEAVE_OR_LIMITS",
                        f"Only {t.id} could teach {course} {where} then, so would take both "
                        f"halves of the run: {run.sessions} sessions, but {t.id} may teach "
                        f"{t.max_sessions}.",
                    )
    return _no_common_slot(prob, run, at_site, D)


def _weeks_words(weeks):
    weeks = sorted(weeks)
    return ("week " if len(weeks) == 1 else "weeks ") + ", ".join(map(str, weeks))


def _tutor_problem(prob, t, run, block, role):
    """Why tutor t cannot take `block` of the run in any of its start weeks (None if they can)."""
    off, ln = block
    if t.max_sessions < ln:
        return f"{t.id} may teach {t.max_sessions} sessions and this needs {ln}", "limits"
    need = prob.need_hours(run, ln)
    if role == "staff" and t.release < need:
        return (f"{t.id} has {t.release:g} release hours and {ln} sessions need {need:g}", "release")
    forb = prob.forbidden_weeks(t, run, block, run.weeks)
    if len(forb) == len(run.weeks):
        lv = sorted(w for w in t.leave if run.weeks[0] + off <= w <= run.weeks[-1] + off + ln - 1)
        return f"{t.id} is on leave in {_weeks_words(lv)}", "leave"
    return None


def _role_at(prob, run, pool, role, ds):
    """(start weeks at ds for which every block has a tutor of `role`, [(problem, cause)])."""
    here = [t for t in pool if ds in t.avail]
    problems = []
    ok_by_block = []
    for block in run.blocks:
        ok = {}
        for t in here:
            p = _tutor_problem(prob, t, run, block, role)
            if p is None:
                forb = prob.forbidden_weeks(t, run, block, run.weeks)
                ok[t.idx] = {w for w in run.weeks if w not in forb}
            elif p not in problems:
                problems.append(p)
        ok_by_block.append(ok)
    weeks = set()
    for w in run.weeks:
        per_block = [{t for t, ws in ok.items() if w in ws} for ok in ok_by_block]
        if not all(per_block):
            continue
        union = set().union(*per_block)
        if len(union) == 1 and len(run.blocks) > 1 and not _covers_all(prob, prob.tutors[next(iter(union))], run):
            t = prob.tutors[next(iter(union))]
            p = (
                (
                    f"{t.id} would have to take both halves: {run.sessions} sessions need "
                    f"{prob.need_hours(run, run.sessions):g} release hours and {t.id} has {t.release:g}",
                    "release",
                )
                if role == "staff" and t.release < prob.need_hours(run, run.sessions)
                else (
                    f"{t.id} would have to take both halves ({run.sessions} sessions) and may teach {t.max_sessions}",
                    "limits",
                )
            )
            if p not in problems:
                problems.append(p)
            continue
        weeks.add(w)
    return weeks, problems


def _no_common_slot(prob, run, at_site, D):
    """No (day-slot, week) has a room and both tutors. Say what is true of the data: either the
    trained tutors are never listed free at the same day-slot, or they are, and then name what
    stops them there (their session limit, release hours or leave)."""
    where = place(run)
    listed = {role: set().union(*(t.avail for t in at_site[role])) & D for role in ("peer", "staff")}
    common = listed["peer"] & listed["staff"]
    room_part = "" if run.online else f"; suitable rooms are free {prob.ds_names(D)}"
    if not common:
        return (
            "NO_COMMON_SLOT",
            f"Trained peer and staff tutors {where} are never free at the same time: "
            f"peers are available {prob.ds_names(listed['peer'])}, staff "
            f"{prob.ds_names(listed['staff'])}{room_part}.",
        )
    notes, causes, blocked_roles, mismatch = [], set(), set(), False
    for ds in sorted(common):
        res = {role: _role_at(prob, run, at_site[role], role, ds) for role in ("peer", "staff")}
        blocked = [role for role in ("peer", "staff") if not res[role][0]]
        if blocked:
            texts = []
            for role in blocked:
                blocked_roles.add(role)
                for text, cause in res[role][1]:
                    causes.add(cause)
                    texts.append(text)
            notes.append((ds, "; ".join(texts) or "no tutor pair can take it"))
        else:
            mismatch = True
            causes.add("leave")
            leave = [
                f"{t.id} {_weeks_words(t.leave)}"
                for role in ("peer", "staff")
                for t in at_site[role]
                if ds in t.avail and t.leave
            ]
            notes.append(
                (
                    ds,
                    f"peer tutors could start only in {_weeks_words(res['peer'][0])} and staff "
                    f"tutors only in {_weeks_words(res['staff'][0])}, because of leave "
                    f"({'; '.join(leave[:6])})",
                )
            )
    detail = "; ".join(f"on {prob.ds_name(ds)}, {text}" for ds, text in notes[:4])
    if len(notes) > 4:
        detail += f"; and {len(notes) - 4} more day-slots alike"
    rooms_too = "" if run.online else " and a suitable room is free then"
    msg = (
        f"Trained peer and staff tutors {where} are both free on {prob.ds_names(common)}{rooms_too}, "
        f"but they cannot take it: {detail}."
    )
    others = {role: listed[role] - common for role in ("peer", "staff")}
    if others["peer"] or others["staff"]:
        msg += (
            f" At other times only one of them is free (peers {prob.ds_names(others['peer']) or 'at no other time'}, "
            f"staff {prob.ds_names(others['staff']) or 'at no other time'})."
        )
    if not mismatch and len(blocked_roles) == 1:
        role = next(iter(blocked_roles))
        if role == "staff" and causes == {"release"}:
            return "STAFF_RELEASE_TOO_SMALL", msg
        return f"{role.upper()}_BLOCKED_BY_LEAVE_OR_LIMITS", msg
    return "NO_COMMON_SLOT", msg


def pin_message(prob, run, cands):
    """Why a pinned run cannot be offered exactly as pinned, whatever else is planned."""
    pin = run.pin
    when = f"{prob.ds_name(pin.ds)} from week {pin.week}"
    bad = []
    if pin.ds not in run.allowed:
        bad.append(f"{prob.ds_name(pin.ds)} is not one of its allowed day-slots")
    raw = prob.raw["runs"][run.idx]
    if not raw["start_week_min"] <= pin.week <= raw["start_week_max"]:
        bad.append(f"week {pin.week} is outside its start window {raw['start_week_min']}-{raw['start_week_max']}")
    if pin.week + run.sessions - 1 > prob.W:
        bad.append(f"its {run.sessions} sessions would run past week {prob.W}")
    if not run.online and pin.room is not None:
        room = prob.rooms[pin.room]
        if room.site != run.site:
            bad.append(f"room {room.id} is at {room.site}, not {run.site}")
        if room.capacity < run.cohort:
            bad.append(f"room {room.id} holds {room.capacity}, the cohort is {run.cohort}")
        if run.needs_accessible and not room.accessible:
            bad.append(f"room {room.id} is not accessible")
        if pin.ds not in room.avail:
            bad.append(f"room {room.id} is not available on {prob.ds_name(pin.ds)}")
    seen = set()
    for bi, block in enumerate(run.blocks):
        for k, role in enumerate(("peer", "staff")):
            ti = pin.pairs[bi][k]
            if ti is None:
                if not cands[role][bi]:
                    bad.append(
                        f"no trained {role} tutor {place(run)} is free on "
                        f"{prob.ds_name(pin.ds)} in {week_span(run, block, pin.week)}"
                    )
                continue
            if (ti, bi) in seen:
                continue
            seen.add((ti, bi))
            t = prob.tutors[ti]
            if not prob.at_site(t, run):
                bad.append(f"{t.id} does not work {place(run)}")
            if pin.ds not in t.avail:
                bad.append(f"{t.id} is not available on {prob.ds_name(pin.ds)}")
            lv = sorted(w for w in t.leave if pin.week + block[0] <= w < pin.week + block[0] + block[1])
            if lv:
                bad.append(f"{t.id} is on leave in week(s) {', '.join(map(str, lv))}")
            if t.max_sessions < block[1]:
                bad.append(f"{t.id} may teach only {t.max_sessions} sessions")
            if role == "staff" and t.release < prob.need_hours(run, block[1]):
                bad.append(f"{t.id} has {t.release:g} release hours, the run needs {prob.need_hours(run, block[1]):g}")
    if not bad:
        bad.append("no tutor pair fits the pinned time")
    return f"Run {run.id} cannot be offered as pinned ({when}): " + "; ".join(dict.fromkeys(bad)) + "."
