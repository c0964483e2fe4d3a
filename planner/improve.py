"""A quick local search on the greedy plan: ejection chains.

The better the complete hint, the sooner CP-SAT's neighbourhood search reaches the optimum at
L/XL (its bound arrives well before its best plan does). A move places an unoffered run r at a
(day-slot, week) by ejecting the cheapest set of runs that blocks it there; each ejected run is
re-placed where it still fits or, one level deeper, by ejecting others in turn. The move is kept
only if the plan's weight rose; every change goes through a journal so it can be undone.
"""

import time

from .explain import INF, displacement, run_options
from .greedy import fill, place_run, priority, try_at
from .plan import occupancy

MAX_TRIES = 3  # options tried per run, cheapest displacement first
DEPTH = 1  # how many levels an ejected run may eject others in turn


class _Journal:
    def __init__(self, prob, plan, occ):
        self.prob, self.plan, self.occ, self.ops = prob, plan, occ, []

    def add(self, r, a):
        self.occ.add(self.prob.runs[r], a)
        self.plan[r] = a
        self.ops.append((True, r, a))

    def remove(self, r):
        a = self.plan.pop(r)
        self.occ.remove(self.prob.runs[r], a)
        self.ops.append((False, r, a))

    def undo(self, mark):
        while len(self.ops) > mark:
            added, r, a = self.ops.pop()
            if added:
                self.plan.pop(r)
                self.occ.remove(self.prob.runs[r], a)
            else:
                self.plan[r] = a
                self.occ.add(self.prob.runs[r], a)


def improve(prob, elig, plan, time_budget=0.3, skip=frozenset()):
    """Return a plan at least as heavy as `plan` (which is not modified)."""
    deadline = time.perf_counter() + time_budget
    plan = dict(plan)
    occ = occupancy(prob, plan)
    occ.assign = plan
    j = _Journal(prob, plan, occ)
    weight = sum(prob.runs[r].weight for r in plan)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for r in priority(prob):
            if r in plan or elig[r].static is not None:
                continue
            if time.perf_counter() > deadline:
                break
            mark = len(j.ops)
            if _insert(prob, elig, j, r, DEPTH, skip):
                new = sum(prob.runs[k].weight for k in plan)
                if new > weight:
                    weight, improved = new, True
                    j.ops.clear()
                    continue
            j.undo(mark)
        if fill(prob, elig, plan, occ, skip):
            weight = sum(prob.runs[k].weight for k in plan)
            improved = True
        j.ops.clear()
    return plan


def _insert(prob, elig, j, r, depth, skip, banned=frozenset()):
    """Try to get run r into the plan; True if it is in (the caller judges the weight)."""
    run, e, occ = prob.runs[r], elig[r], j.occ
    moves = []
    for ds, w in run_options(e, run):
        cost, drop = displacement(prob, e, run, occ, ds, w, skip)
        if cost < INF and not drop & banned:
            moves.append((cost, len(drop), ds, w, drop))
    moves.sort(key=lambda m: m[:4])
    for _cost, _, ds, w, drop in moves[:MAX_TRIES]:
        mark = len(j.ops)
        old = {d: j.plan[d] for d in drop}
        for d in drop:
            j.remove(d)
        a = try_at(prob, e, run, occ, ds, w, None, skip)
        if a is None:
            j.undo(mark)
            continue
        j.add(r, a)
        for d in sorted(old, key=lambda d: (-prob.runs[d].weight, d)):
            b = place_run(prob, elig[d], prob.runs[d], occ, old[d], skip)
            if b is not None:
                j.add(d, b)
            elif depth > 0:
                # r itself must stay: never eject the run that started this chain
                _insert(prob, elig, j, d, depth - 1, skip, banned | {r})
        return True
    return False
