"""Static preprocessing: who and what could serve each run in *some* plan.

The same cascade that builds the candidate lists also yields the static reason (first failing
filter) for runs nobody can staff, so about half the unoffered runs are explained here, before
any solving. A pinned run is restricted to its pin; a pin that breaks a rule on its own is
recorded as a conflict message instead of a reason code.
"""

from .problem import Elig

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
    ok = [{t for t, (dss, forb) in c[bi].items() if ds in dss and w not in forb}
          for bi in range(len(run.blocks))]
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
            fit = [r.idx for r in prob.rooms
                   if prob.room_fits(r, run) and ds in r.avail
                   and (pin is None or r.idx == pin.room)]
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
        return ("NO_COMMON_SLOT",
                f"Run {run.id} ({run.sessions} sessions) cannot start in its window "
                f"(weeks {prob.raw['runs'][run.idx]['start_week_min']}-"
                f"{prob.raw['runs'][run.idx]['start_week_max']}) and finish by week {prob.W}.")
    at_site = {}
    for role in ("peer", "staff"):
        q = [t for t in prob.tutors if t.role == role and run.course in t.qualified]
        if not q:
            return (f"NO_QUALIFIED_{role.upper()}",
                    f"No {role} tutor is trained to teach {course} "
                    f"({prob.topic_name.get(run.topic, run.topic)}).")
        s = [t for t in q if prob.at_site(t, run)]
        if not s:
            how = (f"teach online for {run.college}" if run.online else f"work at {run.site}")
            return (f"NO_{role.upper()}_AT_SITE",
                    f"The {role} tutors trained for {course} ({names(t.id for t in q)}) "
                    f"do not {how}.")
        at_site[role] = s
    released = at_site["staff"]
    for block in run.blocks:
        need = prob.need_hours(run, block[1])
        ok = [t for t in released if t.release >= need]
        if not ok:
            have = names(f"{t.id} {t.release:g} h" for t in released)
            return ("STAFF_RELEASE_TOO_SMALL",
                    f"No staff tutor trained for {course} {where} has enough release: "
                    f"{block[1]} sessions need {need:g} h ({run.hours:g} h + "
                    f"{prob.prep:g} h preparation each); they have {have}.")
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
                msg = (f"No{acc} room at {run.site} takes a cohort of {run.cohort} "
                       f"(rooms there: {names(f'{r.id} {r.capacity} places' + (', accessible' if r.accessible else '') for r in site_rooms)}; largest {big.id}).")
            return "NO_ROOM", msg
        D = {ds for ds in run.allowed if any(ds in r.avail for r in fit)}
        if not D:
            avail = set().union(*(r.avail for r in fit))
            return ("NO_ROOM",
                    f"The rooms at {run.site} that fit a cohort of {run.cohort} "
                    f"({names(r.id for r in fit)}) are not free on its allowed day-slots "
                    f"({prob.ds_names(run.allowed)}); they are free {prob.ds_names(avail) or 'never'}.")
    pools = {"peer": at_site["peer"], "staff": released}
    avail_pools = {}
    for role in ("peer", "staff"):
        pa = [t for t in pools[role] if t.avail & D]
        if not pa:
            theirs = set().union(*(t.avail for t in pools[role]))
            adj = "released " if role == "staff" else ""
            return (f"{role.upper()}_NOT_AVAILABLE_WHEN",
                    f"No {adj}{role} tutor trained for {course} {where} is available on "
                    f"{prob.ds_names(D)}; they are available {prob.ds_names(theirs) or 'never'}.")
        avail_pools[role] = pa
    for role in ("peer", "staff"):
        for block in run.blocks:
            ok = [t for t in avail_pools[role] if _can_take(prob, t, run, block, role)
                  and len(prob.forbidden_weeks(t, run, block, run.weeks)) < len(run.weeks)]
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
                part = (f"its {ln} sessions" if len(run.blocks) == 1
                        else f"sessions {off + 1}-{off + ln}")
                return (f"{role.upper()}_BLOCKED_BY_LEAVE_OR_LIMITS",
                        f"No {role} tutor trained for {course} {where} and available then can take "
                        f"{part} (within weeks {first}-{last}): {'; '.join(why)}.")
    if len(run.blocks) == 2:
        for role in ("peer", "staff"):
            only = {t.idx for t in avail_pools[role] for block in run.blocks
                    if _can_take(prob, t, run, block, role)
                    and len(prob.forbidden_weeks(t, run, block, run.weeks)) < len(run.weeks)}
            if len(only) == 1:
                t = prob.tutors[next(iter(only))]
                if not _covers_all(prob, t, run):
                    if role == "staff" and t.release < prob.need_hours(run, run.sessions):
                        return ("STAFF_RELEASE_TOO_SMALL",
                                f"Only {t.id} could teach {course} {where} then, so would take both "
                                f"halves of the run: {run.sessions} sessions need "
                                f"{prob.need_hours(run, run.sessions):g} h of release and "
                                f"{t.id} has {t.release:g} h.")
                    return (f"{role.upper()}_BLOCKED_BY_LEAVE_OR_LIMITS",
                            f"Only {t.id} could teach {course} {where} then, so would take both "
                            f"halves of the run: {run.sessions} sessions, but {t.id} may teach "
                            f"{t.max_sessions}.")
    peers_when = set().union(*(t.avail for t in avail_pools["peer"])) & D
    staff_when = set().union(*(t.avail for t in avail_pools["staff"])) & D
    room_part = ""
    if not run.online:
        room_part = f"; suitable rooms are free {prob.ds_names(D)}"
    return ("NO_COMMON_SLOT",
            f"Trained peer and staff tutors {where} are never free at the same time and week: "
            f"peers are available {prob.ds_names(peers_when)}, staff "
            f"{prob.ds_names(staff_when)}{room_part}.")


def pin_message(prob, run, cands):
    """Why a pinned run cannot be offered exactly as pinned, whatever else is planned."""
    pin = run.pin
    when = f"{prob.ds_name(pin.ds)} from week {pin.week}"
    bad = []
    if pin.ds not in run.allowed:
        bad.append(f"{prob.ds_name(pin.ds)} is not one of its allowed day-slots")
    raw = prob.raw["runs"][run.idx]
    if not raw["start_week_min"] <= pin.week <= raw["start_week_max"]:
        bad.append(f"week {pin.week} is outside its start window "
                   f"{raw['start_week_min']}-{raw['start_week_max']}")
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
                    bad.append(f"no trained {role} tutor {place(run)} is free on "
                               f"{prob.ds_name(pin.ds)} in {week_span(run, block, pin.week)}")
                continue
            if (ti, bi) in seen:
                continue
            seen.add((ti, bi))
            t = prob.tutors[ti]
            if not prob.at_site(t, run):
                bad.append(f"{t.id} does not work {place(run)}")
            if pin.ds not in t.avail:
                bad.append(f"{t.id} is not available on {prob.ds_name(pin.ds)}")
            lv = sorted(w for w in t.leave
                        if pin.week + block[0] <= w < pin.week + block[0] + block[1])
            if lv:
                bad.append(f"{t.id} is on leave in week(s) {', '.join(map(str, lv))}")
            if t.max_sessions < block[1]:
                bad.append(f"{t.id} may teach only {t.max_sessions} sessions")
            if role == "staff" and t.release < prob.need_hours(run, block[1]):
                bad.append(f"{t.id} has {t.release:g} release hours, the run needs "
                           f"{prob.need_hours(run, block[1]):g}")
    if not bad:
        bad.append("no tutor pair fits the pinned time")
    return f"Run {run.id} cannot be offered as pinned ({when}): " + "; ".join(dict.fromkeys(bad)) + "."
