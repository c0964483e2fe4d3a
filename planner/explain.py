"""Why each run is not offered: one reason code and a message naming people, days, rooms.

Static reasons come from preprocessing. For the rest, every (day-slot, start week) the run could
use is examined against the finished plan: which of peer / staff / room is missing there, and
who holds it (their runs at that time, or the sessions / release hours already used). If one
kind of resource alone blocks some choice, that kind's COMMITTED_ELSEWHERE code applies;
otherwise the run is OUTWEIGHED and the message names the cheapest set of runs it would displace.
"""

from collections import Counter

from .greedy import ROLES, try_at, tutor_free
from .static import names, place

CODE = {"peer": "PEER_COMMITTED_ELSEWHERE", "staff": "STAFF_COMMITTED_ELSEWHERE", "room": "ROOM_COMMITTED_ELSEWHERE"}
PREFERENCE = ("staff", "peer", "room")
KIND_WORD = {
    "staff": "the staff tutors",
    "peer": "the peer tutors",
    "room": "the rooms",
}  # tie-break: staff release is the College's bottleneck


def run_options(e, run):
    for ds in [d for d in run.allowed if d in set(e.ds)]:
        for w in e.weeks:
            if not run.online and not e.rooms.get(ds):
                continue
            ok = True
            for pools in (e.peers, e.staff):
                for bi in range(len(run.blocks)):
                    if not any(ds in dss and w not in forb for dss, forb in pools[bi].values()):
                        ok = False
            if ok:
                yield ds, w


def _cands(e, role, bi, ds, w):
    pool = (e.peers if role == "peer" else e.staff)[bi]
    return [t for t, (dss, forb) in pool.items() if ds in dss and w not in forb]


def _blockers(prob, e, run, occ, ds, w, skip):
    """{kind: [(resource, [run idx holding it])]} for the kinds with nothing free at (ds, w)."""
    out = {}
    if not run.online:
        weeks = range(w, w + run.sessions)
        rooms = e.rooms[ds]
        if all(occ.room_clash(rm, ds, weeks) for rm in rooms):
            out["room"] = [(rm, sorted(occ.room_clash(rm, ds, weeks)), 0) for rm in rooms]
    for role in ROLES:
        held = {}
        free = []
        for bi, (off, ln) in enumerate(run.blocks):
            cands = [t for t in _cands(e, role, bi, ds, w) if t not in skip]
            free.append({t for t in cands if tutor_free(prob, occ, run, t, ds, w, (bi,), role)})
            if free[-1]:
                continue
            for t in cands:
                rs, n = held.get(t, (set(), 0))
                held[t] = (rs | occ.tutor_clash(t, ds, range(w + off, w + off + ln)), max(n, ln))
            if not cands:
                held.setdefault(None, (set(), ln))
        if not held and len(free) == 2 and len(free[0] | free[1]) == 1:
            # one tutor free for each half but without the sessions or hours for both
            t = next(iter(free[0]))
            if not tutor_free(prob, occ, run, t, ds, w, (0, 1), role):
                held[t] = (set(), run.sessions)
        if held:
            out[role] = [(t, sorted(rs), n) for t, (rs, n) in held.items()]
    return out


def _tutor_note(prob, occ, run, t, ds, clash, ln):
    tut = prob.tutors[t]
    if clash:
        return f"{tut.id} teaches {names(prob.runs[r].id for r in clash)} on {prob.ds_name(ds)}"
    others = names(prob.runs[r].id for r in sorted(occ.truns[t]))
    need = prob.need_hours(run, ln)
    if tut.role == "staff" and occ.hours_left(t) < need - 1e-9:
        return (
            f"{tut.id} has {occ.hours_left(t):g} of {tut.release:g} release hours left "
            f"after {others}, and {ln} sessions need {need:g}"
        )
    return (
        f"{tut.id} has {occ.sessions_left(t)} of {tut.max_sessions} sessions left after {others}, and this needs {ln}"
    )


def _committed_message(prob, run, occ, kind, ds, w, held, n_same):
    when = f"{prob.ds_name(ds)} from week {w}"
    if kind == "room":
        notes = [f"{prob.rooms[rm].id} by {names(prob.runs[r].id for r in rs)}" for rm, rs, _ in held[:5]]
        msg = f"It could run on {when}, but the rooms at {run.site} that fit it are booked then: {'; '.join(notes)}."
    else:
        notes = [_tutor_note(prob, occ, run, t, ds, rs, n) for t, rs, n in held if t is not None][:5]
        msg = (
            f"It could run on {when}, but every {kind} tutor trained for {run.course} "
            f"{place(run)} and free of leave then is committed elsewhere: {'; '.join(notes)}."
        )
    if n_same > 1:
        msg += f" The same holds for {n_same - 1} other day-slot and week choice(s)."
    return msg


INF = float("inf")


def displacement(prob, e, run, occ, ds, w, skip=frozenset()):
    """Cheapest set of planned runs whose removal frees a room and a peer + staff per block at
    (ds, w), greedily per resource; mandatory and pinned runs are never dropped.
    Returns (weight, set of run idxs); weight is inf when no such set exists."""
    movable = lambda rs: not any(prob.runs[r].required for r in rs)  # noqa: E731
    drop = set()
    if not run.online:
        weeks = range(w, w + run.sessions)
        rooms = [rm for rm in e.rooms[ds] if movable(occ.room_clash(rm, ds, weeks))]
        if not rooms:
            return INF, set()
        best = min(rooms, key=lambda rm: (sum(prob.runs[r].weight for r in occ.room_clash(rm, ds, weeks)), rm))
        drop |= occ.room_clash(best, ds, weeks)
    for role in ROLES:
        for bi, (off, ln) in enumerate(run.blocks):
            options = []
            for t in _cands(e, role, bi, ds, w):
                if t in skip:
                    continue
                d = set(occ.tutor_clash(t, ds, range(w + off, w + off + ln)))
                # then free enough sessions / release hours, lightest runs first
                sess_left = occ.sessions_left(t) + sum(_taught(prob, occ, t, r) for r in d)
                hours_left = occ.hours_left(t) + sum(_hours(prob, t, r, occ) for r in d)
                need_h = prob.need_hours(run, ln) if role == "staff" else 0
                rest = sorted(
                    (r for r in occ.truns[t] - d if not prob.runs[r].required), key=lambda r: (prob.runs[r].weight, r)
                )
                while (sess_left < ln or hours_left < need_h - 1e-9) and rest:
                    r = rest.pop(0)
                    d.add(r)
                    sess_left += _taught(prob, occ, t, r)
                    hours_left += _hours(prob, t, r, occ)
                if sess_left < ln or hours_left < need_h - 1e-9 or not movable(d):
                    continue
                extra = d - drop
                options.append((sum(prob.runs[r].weight for r in extra), len(extra), t, d))
            if not options:
                return INF, set()
            drop |= min(options, key=lambda o: o[:3])[3]
    return sum(prob.runs[r].weight for r in drop), drop


def _ids(prob, kind, held):
    if kind == "room":
        return names((prob.rooms[rm].id for rm, _, _ in held), limit=4)
    return names((prob.tutors[t].id for t, _, _ in held if t is not None), limit=4)


def fits_after(prob, e, run, occ, ds, w, drop, skip=frozenset()):
    """Does the run really fit at (ds, w) once `drop` is removed? (Ledger restored after.)"""
    removed = [(r, occ.assign[r]) for r in drop]
    for r, a in removed:
        occ.remove(prob.runs[r], a)
    try:
        return try_at(prob, e, run, occ, ds, w, None, skip) is not None
    finally:
        for r, a in removed:
            occ.add(prob.runs[r], a)


def _taught(prob, occ, t, r):
    a = occ.assign[r]
    return sum(ln for bi, (_, ln) in enumerate(prob.runs[r].blocks) if t in a.pairs[bi])


def _hours(prob, t, r, occ):
    if prob.tutors[t].role != "staff":
        return 0.0
    return prob.need_hours(prob.runs[r], _taught(prob, occ, t, r))


def explain_run(prob, e, run, occ, skip=frozenset()):
    if e.static is not None:
        return e.static
    singles = []
    multi = []
    for ds, w in run_options(e, run):
        blk = _blockers(prob, e, run, occ, ds, w, skip)
        if not blk:
            if try_at(prob, e, run, occ, ds, w, None, skip) is not None:
                return (
                    "OUTWEIGHED",
                    f"It fits on {prob.ds_name(ds)} from week {w} as the plan "
                    "stands; the solver stopped before adding it.",
                )
            blk = {"peer": [], "staff": []}
        (singles if len(blk) == 1 else multi).append((ds, w, blk))
    if singles:
        counts = Counter(next(iter(b)) for _, _, b in singles)
        kind = max(counts, key=lambda k: (counts[k], -PREFERENCE.index(k)))
        ds, w, blk = next(s for s in singles if kind in s[2])
        return CODE[kind], _committed_message(prob, run, occ, kind, ds, w, blk[kind], counts[kind])
    tries = []
    for ds, w, blk in multi:
        cost, drop = displacement(prob, e, run, occ, ds, w, skip)
        if cost < INF:
            tries.append(((cost, len(drop), ds, w), blk, drop))
    tries.sort(key=lambda t: t[0])
    for (cost, _, ds, w), blk, drop in tries[:12]:
        if not fits_after(prob, e, run, occ, ds, w, drop, skip):
            continue  # the estimate missed a limit shared by both halves: try the next
        listed = names(
            (
                f"{prob.runs[r].id} (weight {prob.runs[r].weight})"
                for r in sorted(drop, key=lambda r: (-prob.runs[r].weight, r))
            ),
            limit=8,
        )
        kinds = " and ".join(
            f"{KIND_WORD[k]} ({_ids(prob, k, blk[k])})" if _ids(prob, k, blk[k]) else KIND_WORD[k]
            for k in PREFERENCE
            if k in blk
        )
        return (
            "OUTWEIGHED",
            f"It could run on {prob.ds_name(ds)} from week {w} only by dropping {listed}: "
            f"worth {cost} in all, against its own weight {run.weight}. At that time {kinds} "
            f"that could take it are all committed.",
        )
    if not tries:
        return (
            "OUTWEIGHED",
            "Every time it could run, the tutors or rooms it needs are held by mandatory or "
            "pinned runs, or by several runs at once; use --explain-cost for what it would take.",
        )
    return (
        "OUTWEIGHED",
        "It could only run if several other runs moved at once (no single set of runs to drop "
        "frees a room and a tutor pair for it); use --explain-cost for what it would take.",
    )


def explain_unoffered(prob, elig, plan, occ, skip=frozenset()):
    occ.assign = plan
    out = []
    for run in prob.runs:
        if run.idx in plan:
            continue
        code, msg = explain_run(prob, elig[run.idx], run, occ, skip)
        out.append({"run": run.id, "reason_code": code, "message": f"{run.id}: {msg}"})
    return out
