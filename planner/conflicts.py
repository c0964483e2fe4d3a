"""Infeasibility: which mandatory and pinned runs cannot all hold, in words.

Only required runs matter (optional runs can always be dropped), so the model here holds just
those, each `off` literal an assumption. CP-SAT's `sufficient_assumptions_for_infeasibility`
is not minimal; each core is shrunk by deletion (drop a run, re-check) and then set aside, and
the search repeats on what is left so that independent conflicts are all reported.
"""

from ortools.sat.python import cp_model

from . import engine
from .model import PlanModel
from .static import names, place


def _feasible(prob, elig, runs, time_limit, seed):
    pm = PlanModel(prob, elig, runs=runs, required="hard")
    status, _ = engine.run(pm.m, time_limit, seed=seed, workers=1, subsolvers=())
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None  # unknown within the time


def _describe_run(prob, r):
    run = prob.runs[r]
    if run.pin is not None:
        p = run.pin
        who = [prob.tutors[t].id for pair in p.pairs[:1] for t in pair if t is not None]
        where = prob.rooms[p.room].id if p.room is not None else "online"
        extra = f", {' + '.join(who)}" if who else ""
        return f"{run.id} (pinned to {prob.ds_name(p.ds)} from week {p.week}, {where}{extra})"
    return f"{run.id} (mandatory, {run.course} {place(run)})"


def _shared(prob, elig, core):
    """Tutors and rooms that two or more runs of the core could only share."""
    use = {}
    for r in core:
        e = elig[r]
        for pools in (e.peers, e.staff):
            for pool in pools:
                for t, (dss, _) in pool.items():
                    use.setdefault(("t", t), {}).setdefault(r, set()).update(dss)
        for ds, rooms in e.rooms.items():
            for rm in rooms:
                use.setdefault(("r", rm), {}).setdefault(r, set()).add(ds)
    out = []
    for (kind, i), by_run in use.items():
        if len(by_run) < 2:
            continue
        if kind == "r":
            sets = list(by_run.values())
            if not any(a & b for k, a in enumerate(sets) for b in sets[k + 1 :]):
                continue  # a room used on different day-slots is not contested
            out.append(prob.rooms[i].id)
        else:
            out.append(prob.tutors[i].id)
    return sorted(out)


def describe(prob, elig, core):
    runs = [_describe_run(prob, r) for r in sorted(core)]
    if len(core) == 1:
        r = next(iter(core))
        run = prob.runs[r]
        e = elig[r]
        tutors = sorted({prob.tutors[t].id for pools in (e.peers, e.staff) for pool in pools for t in pool})
        return (
            f"{runs[0]} cannot be offered on its own: no choice of its tutors ({names(tutors)}) "
            f"has the sessions and release hours for all {run.sessions} sessions at a free time."
        )
    shared = _shared(prob, elig, core)
    tail = (
        f" they compete for {names(shared, 8)}." if shared else " between them they need more tutor time than there is."
    )
    return f"These cannot all be offered together: {'; '.join(runs)};{tail}"


def find_conflicts(prob, elig, clock, seed=0, max_conflicts=10):
    """List of {"runs": [...], "message": ...}; empty if the required runs can all hold."""
    conflicts = []
    required = [r.idx for r in prob.runs if r.required]
    active = []
    for r in required:
        st = elig[r].static
        if st is None:
            active.append(r)
            continue
        run = prob.runs[r]
        msg = st[1] if st[0] == "PIN" else (f"Mandatory run {run.id} cannot be offered in any plan ({st[0]}): {st[1]}")
        conflicts.append({"runs": [run.id], "message": msg})
    while active and len(conflicts) < max_conflicts and clock.left() > 0.1:
        pm = PlanModel(prob, elig, runs=active, required="assume")
        lits = {pm.req_lits[r].index: r for r in pm.req_lits}
        pm.m.add_assumptions(list(pm.req_lits.values()))
        status, solver = engine.run(pm.m, max(0.2, clock.left() / 2), seed=seed, workers=1, subsolvers=())
        if status != cp_model.INFEASIBLE:
            break
        core = {lits[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in lits}
        if not core:
            core = set(active)
        for r in sorted(core, key=lambda r: -len(elig[r].ds)):
            if len(core) == 1:
                break
            rest = [x for x in core if x != r]
            if _feasible(prob, elig, rest, max(0.2, min(2.0, clock.left() / 4)), seed) is False:
                core.discard(r)  # still infeasible without r: r is not needed for the conflict
        conflicts.append({"runs": sorted(prob.runs[r].id for r in core), "message": describe(prob, elig, core)})
        active = [r for r in active if r not in core]
    return conflicts
