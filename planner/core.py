"""Solving phases shared by the plan, re-planning, what-if and explain-cost requests.

primary: maximise offered weight, hinted with a complete plan (greedy or repaired).
secondary: with the weight held, one further solve per level (changes from a previous plan,
continuity breaks, max peer paid hours, topic coverage), each inside what is left of the time
limit; a level that runs out of time keeps the best plan found so far and is marked so.
"""

from collections import defaultdict

from ortools.sat.python import cp_model

from . import engine
from .model import TOPIC_SCALE, PlanModel


class Core:
    def __init__(self, prob, elig, *, seed=0, workers=2, log=None, should_stop=None):
        self.prob, self.elig = prob, elig
        self.seed, self.workers, self.log, self.should_stop = seed, workers, log, should_stop

    def solve_weight(self, hint, time_limit, *, progress=None, force=(), model=None):
        """Primary solve. Returns (status_name, plan, bound, model); plan falls back to `hint`
        (a valid complete plan) when CP-SAT finds nothing better in time."""
        pm = model or PlanModel(self.prob, self.elig, force=force)
        pm.m.maximize(pm.weight)
        pm.hint(hint)
        status, solver = engine.run(
            pm.m,
            time_limit,
            seed=self.seed,
            workers=self.workers,
            progress=progress,
            should_stop=self.should_stop,
            log=self.log,
        )
        name = engine.status_name(status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plan = pm.extract(solver)
            bound = int(solver.best_objective_bound + 1e-6)
            if progress is not None:
                progress.report(solver.objective_value, solver.best_objective_bound)
        else:
            # no solution within the time (or infeasible): the hint stands; an UNKNOWN
            # response's bound is not trustworthy, so the caller falls back to its own
            plan = hint
            bound = None
        if name == "optimal":
            bound = sum(self.prob.runs[r].weight for r in plan)
        return name, plan, bound, pm

    def secondaries(self, pm, plan, clock, *, prev=None, min_time=0.05, levels=None):
        """Lexicographic levels after the weight (all, or the named `levels`).
        Returns (plan, {level: status})."""
        w = sum(self.prob.runs[r].weight for r in plan)
        pm.m.clear_objective()
        pm.m.add(pm.weight >= w)
        spec = []
        if prev is not None:
            pm.set_prev(prev)
            spec.append(("changes_from_previous", lambda: pm.changes(prev), "min"))
        spec += [
            ("continuity_breaks", pm.breaks, "min"),
            ("max_peer_paid_hours", pm.max_peer_hours, "min"),
            ("min_topic_coverage", pm.topic_coverage, "max"),
        ]
        # build only the terms asked for: each adds variables and constraints to the model
        levels = [(name, make(), sense) for name, make, sense in spec if levels is None or name in levels]
        done = {}
        for i, (name, expr, sense) in enumerate(levels):
            left = clock.left()
            if left < min_time or (self.should_stop is not None and self.should_stop()):
                done[name] = "not_optimised"
                continue
            value = self._value(pm, name, plan)
            if sense == "min" and value == 0:
                pm.m.add(expr <= 0)
                done[name] = "optimal"
                continue
            if sense == "max" and value >= TOPIC_SCALE:
                done[name] = "optimal"
                continue
            (pm.m.minimize if sense == "min" else pm.m.maximize)(expr)
            pm.hint(plan)
            budget = left / (len(levels) - i)
            status, solver = engine.run(
                pm.m, budget, seed=self.seed, workers=self.workers, should_stop=self.should_stop, log=self.log
            )
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                new = pm.extract(solver)
                if self._better(pm, name, sense, new, plan):
                    plan = new
                done[name] = "optimal" if status == cp_model.OPTIMAL else "feasible"
            else:
                done[name] = "not_optimised"
            value = self._value(pm, name, plan)
            pm.m.clear_objective()
            pm.m.add(expr <= value if sense == "min" else expr >= value)
        return plan, done

    def _value(self, pm, name, plan):
        if name == "changes_from_previous":
            prev = pm._prev
            kept = sum(1 for r in prev if pm._kept(r, plan))
            return (len(prev) - kept) + sum(1 for r in plan if r not in prev)
        if name == "continuity_breaks":
            return continuity_breaks(plan)
        if name == "max_peer_paid_hours":
            return pm.peer_hours_of(plan)
        return pm.coverage_of(plan, pm._extra["topic"][1])

    def _better(self, pm, name, sense, new, old):
        a, b = self._value(pm, name, new), self._value(pm, name, old)
        return a <= b if sense == "min" else a >= b


def continuity_breaks(plan):
    n = 0
    for a in plan.values():
        if len(a.pairs) == 2:
            n += (a.pairs[0][0] != a.pairs[1][0]) + (a.pairs[0][1] != a.pairs[1][1])
    return n


def secondary_metrics(prob, plan):
    """The secondary objectives, read off the plan (unscaled)."""
    hours = defaultdict(float)
    for r, a in plan.items():
        run = prob.runs[r]
        for bi, (_, ln) in enumerate(run.blocks):
            t = a.pairs[bi][0]
            if prob.tutors[t].paid:
                hours[t] += ln * run.hours
    wished, got = defaultdict(int), defaultdict(int)
    for run in prob.runs:
        wished[run.topic] += 1
    for r in plan:
        got[prob.runs[r].topic] += 1
    cov = min((got[t] / n for t, n in wished.items()), default=1.0)
    mx = max(hours.values(), default=0)
    return {
        "continuity_breaks": continuity_breaks(plan),
        "max_peer_paid_hours": int(mx) if float(mx).is_integer() else mx,
        "min_topic_coverage": cov,
    }
