"""The hand planner's greedy: priority order, first feasible slot, the tutor with most left.

It gives a complete valid plan in milliseconds; CP-SAT is hinted with it (a complete hint is
taken up at once, a partial one is ignored), and the same placement routine inserts runs into
finished plans (post-fill, repairs, explanation of costs).
"""

from .plan import Assign, Occupancy

ROLES = ("peer", "staff")


def _pool(e, role, bi):
    return (e.peers if role == "peer" else e.staff)[bi]


def tutor_free(prob, occ, run, t, ds, w, bis, role):
    """Can tutor t take blocks `bis` of `run` at (ds, start week w), given the ledger?"""
    ln = 0
    for bi in bis:
        off, n = run.blocks[bi]
        if occ.tutor_clash(t, ds, range(w + off, w + off + n)):
            return False
        ln += n
    if occ.sessions_left(t) < ln:
        return False
    if role == "staff" and occ.hours_left(t) < prob.need_hours(run, ln) - 1e-9:
        return False
    return True


def _best(prob, occ, run, role, cands, prefer):
    if prefer is not None and prefer in cands:
        return prefer
    if not cands:
        return None
    if role == "peer":
        return max(cands, key=lambda t: (occ.sessions_left(t), -t))
    return max(cands, key=lambda t: (occ.hours_left(t), -t))


def try_at(prob, e, run, occ, ds, w, prefer=None, skip=frozenset()):
    """Place `run` at (ds, w) if possible; returns an Assign or None. `skip`: tutors not to use."""
    room = None
    if not run.online:
        rooms = [rm for rm in e.rooms.get(ds, ()) if not occ.room_clash(rm, ds, range(w, w + run.sessions))]
        if not rooms:
            return None
        if prefer is not None and prefer.room in rooms:
            room = prefer.room
        else:  # the smallest room that fits keeps big rooms for big cohorts
            room = min(rooms, key=lambda rm: (prob.rooms[rm].capacity, rm))
    nb = len(run.blocks)
    pairs = [[None, None] for _ in range(nb)]
    for k, role in enumerate(ROLES):
        per_block = []
        for bi in range(nb):
            per_block.append(
                [t for t, (dss, forb) in _pool(e, role, bi).items() if ds in dss and w not in forb and t not in skip]
            )
        want = [prefer.pairs[bi][k] if prefer is not None else None for bi in range(nb)]
        if nb == 2:
            # one tutor for both blocks first: continuity is the second objective
            both = [
                t for t in per_block[0] if t in set(per_block[1]) and tutor_free(prob, occ, run, t, ds, w, (0, 1), role)
            ]
            same_pref = want[0] if want[0] == want[1] else None
            if both and (want[0] is None or same_pref is not None):
                t = _best(prob, occ, run, role, both, same_pref)
                pairs[0][k] = pairs[1][k] = t
                continue
        used = set()
        for bi in range(nb):
            c = [t for t in per_block[bi] if t not in used and tutor_free(prob, occ, run, t, ds, w, (bi,), role)]
            t = _best(prob, occ, run, role, c, want[bi])
            if t is None:
                return None
            pairs[bi][k] = t
            used.add(t)  # a tutor able to do both blocks was tried above
    return Assign(ds, w, room, pairs)


def place_run(prob, e, run, occ, prefer=None, skip=frozenset()):
    """First feasible (day-slot, week) in the run's allowed order; `prefer` is tried first."""
    if e.static is not None:
        return None
    if prefer is not None and prefer.ds in e.ds and prefer.week in e.weeks:
        a = try_at(prob, e, run, occ, prefer.ds, prefer.week, prefer, skip)
        if a is not None:
            return a
    dss = [ds for ds in run.allowed if ds in set(e.ds)]
    for ds in dss:
        for w in e.weeks:
            a = try_at(prob, e, run, occ, ds, w, None, skip)
            if a is not None:
                return a
    return None


def priority(prob):
    """The hand planner's order: pins, then mandatory runs, then by weight."""
    return sorted(
        range(len(prob.runs)),
        key=lambda r: (prob.runs[r].pin is None, not prob.runs[r].mandatory, -prob.runs[r].weight, r),
    )


def greedy(prob, elig, seed=None, order=None):
    """Return (plan, occupancy). `seed` assignments (e.g. a previous plan) are kept where they
    still hold, else re-placed preferring their time, room and tutors."""
    skip = frozenset(t.idx for t in prob.tutors if t.candidate >= 0)
    occ = Occupancy(prob)
    plan = {}
    order = priority(prob) if order is None else order
    if seed:
        for r in order:
            if r in seed:
                a = place_run(prob, elig[r], prob.runs[r], occ, seed[r], skip)
                if a is not None:
                    occ.add(prob.runs[r], a)
                    plan[r] = a
    for r in order:
        if r in plan:
            continue
        a = place_run(prob, elig[r], prob.runs[r], occ, None, skip)
        if a is not None:
            occ.add(prob.runs[r], a)
            plan[r] = a
    return plan, occ


def fill(prob, elig, plan, occ, skip=frozenset()):
    """Insert every unoffered run that fits as the plan stands (never removes anything)."""
    added = []
    for r in priority(prob):
        if r in plan:
            continue
        a = place_run(prob, elig[r], prob.runs[r], occ, None, skip)
        if a is not None:
            occ.add(prob.runs[r], a)
            plan[r] = a
            added.append(r)
    return added
