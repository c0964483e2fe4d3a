"""`planner.solve(instance, ...)`: the whole term-planning computation, as one call.

Order of work: validate -> preprocess -> greedy plan (reported at once) -> if the greedy could
not place every required run, a required-runs-only check (infeasible: conflicts, stop) ->
CP-SAT on the weight, hinted with the complete greedy plan -> secondary levels in what is left
of the time -> fill any run that still fits -> explanations -> optional analyses (explain cost,
what-if), each with its own time limit.
"""

import math

from ortools.sat.python import cp_model

from . import engine
from .conflicts import find_conflicts
from .core import Core, secondary_metrics
from .errors import InstanceError
from .explain import explain_unoffered
from .greedy import fill, greedy
from .improve import improve
from .model import PlanModel
from .plan import occupancy, plan_from_json, plan_json, weight
from .problem import load
from .replan import apply_drops, pin_confirmed, previous_runs, report
from .validate import validate_instance
from .whatif import best_extra_staff, candidate_tutors
from .whatif import explain_cost as _explain_cost
from .whatif import raise_release as _raise

RESULT_SCHEMA = "tandem.plan-result/1"
PRIMARY_SHARE = 0.85  # of the time limit; the rest is for the secondary levels
IMPROVE_SHARE = 0.03  # local search on the greedy plan before CP-SAT (capped at 1 s)


def _check_options(time_limit, seed, workers):
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, (int, float))
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise InstanceError(f"--time-limit: must be a positive number of seconds, got {time_limit!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InstanceError(f"--seed: must be a non-negative integer, got {seed!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InstanceError(f"--workers: must be a positive integer, got {workers!r}")


def _check_raises(prob, raises):
    out = []
    for item in raises:
        if not (isinstance(item, (tuple, list)) and len(item) == 2):
            raise InstanceError(f"--raise-release: expected TUTOR:HOURS, got {item!r}")
        tid, hours = item
        if tid not in prob.tutor_idx:
            raise InstanceError(f"--raise-release: unknown tutor {tid!r}")
        if prob.tutors[prob.tutor_idx[tid]].role != "staff":
            raise InstanceError(f"--raise-release: {tid} is a peer tutor; only staff have release hours")
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not hours > 0 or not math.isfinite(hours):
            raise InstanceError(f"--raise-release: hours for {tid} must be a positive number, got {hours!r}")
        out.append((tid, hours))
    return out


def solve(
    instance,
    *,
    time_limit=30.0,
    seed=0,
    workers=2,
    progress=None,
    should_stop=None,
    previous=None,
    drop_tutors=(),
    explain_cost=(),
    what_if_candidates=None,
    raise_release=(),
    log=None,
):
    """Plan a term. Returns a `tandem.plan-result/1` dict.

    progress(objective, bound, wall_s) is called on every improvement (first with the greedy
    plan); should_stop() returning True ends the search early with the best plan so far.
    Raises InstanceError (message names the field) on a malformed instance or option.
    """
    _check_options(time_limit, seed, workers)
    clock = engine.Clock(time_limit)
    validate_instance(instance)
    drop_tutors = list(drop_tutors or ())
    inst = apply_drops(instance, drop_tutors)
    prev_runs = previous_runs(previous) if previous is not None else None
    if prev_runs is not None:
        inst = pin_confirmed(inst, prev_runs, drop_tutors)
    prob, elig = load(inst)
    for rid in explain_cost or ():
        if rid not in prob.run_idx:
            raise InstanceError(f"--explain-cost: unknown run {rid!r}")
    raises = _check_raises(prob, raise_release or ())
    if what_if_candidates is not None:  # check the profiles now, not after the main solve
        what_if_candidates = candidate_tutors(inst, what_if_candidates)
    prev = plan_from_json(prob, prev_runs) if prev_runs is not None else None
    tracker = engine.Progress(progress, clock)
    upper = sum(run.weight for run, e in zip(prob.runs, elig) if e.static is None)
    core = Core(prob, elig, seed=seed, workers=workers, log=log, should_stop=should_stop)
    stats = {"solver": engine.SOLVER_NAME, "workers": workers, "seed": seed}

    plan, _ = greedy(prob, elig, seed=prev)
    missing = [run.idx for run in prob.runs if run.required and run.idx not in plan]
    if missing:
        req = [run.idx for run in prob.runs if run.required]
        pm = PlanModel(prob, elig, runs=req, required="hard")
        if any(elig[r].static is not None for r in req):
            st = cp_model.INFEASIBLE
        else:
            st, solver = engine.run(pm.m, max(0.1, clock.left() / 3), seed=seed, workers=workers, subsolvers=())
        if st == cp_model.INFEASIBLE:
            return _infeasible(prob, elig, clock, seed, stats)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            plan, _ = greedy(prob, elig, seed={**(prev or {}), **pm.extract(solver)})
    stats["greedy_objective"] = weight(prob, plan)
    stats["greedy_s"] = clock.now()
    tracker.report(weight(prob, plan), upper)
    plan = improve(prob, elig, plan, time_budget=min(1.0, IMPROVE_SHARE * time_limit))
    tracker.report(weight(prob, plan), upper)

    status, plan, bound, pm = core.solve_weight(plan, clock.left() * PRIMARY_SHARE, progress=tracker)
    stats["primary_status"] = status
    stats["primary_s"] = clock.now()
    if status == "infeasible":
        return _infeasible(prob, elig, clock, seed, stats)
    if status == "unknown" and any(run.required and run.idx not in plan for run in prob.runs):
        raise RuntimeError("no plan holding every mandatory and pinned run was found in the time limit")
    if status in ("optimal", "feasible"):
        plan, stats["secondary_status"] = core.secondaries(pm, plan, clock, prev=prev)
    occ = occupancy(prob, plan)
    stats["filled"] = [prob.runs[r].id for r in fill(prob, elig, plan, occ)]
    obj = weight(prob, plan)
    bound = upper if bound is None else min(bound, upper)
    bound = max(bound, obj)
    final = "optimal" if obj == bound else "feasible"
    result = {
        "schema": RESULT_SCHEMA,
        "status": final,
        "objective": obj,
        "bound": bound,
        "runs": plan_json(prob, plan),
        "unoffered": explain_unoffered(prob, elig, plan, occ),
        "secondary": secondary_metrics(prob, plan),
        "stats": stats,
    }
    if prev is not None:
        result["replan"] = report(prob, prev, plan, drop_tutors)
    if explain_cost:
        result["explain_cost"] = [_explain_cost(prob, elig, core, plan, obj, rid, time_limit) for rid in explain_cost]
    what_if = []
    if what_if_candidates is not None:
        what_if.append(
            best_extra_staff(
                inst,
                what_if_candidates,
                plan,
                obj,
                time_limit,
                seed=seed,
                workers=workers,
                log=log,
                should_stop=should_stop,
            )
        )
    for tid, hours in raises:
        what_if.append(
            _raise(
                inst, tid, hours, plan, obj, time_limit, seed=seed, workers=workers, log=log, should_stop=should_stop
            )
        )
    if what_if:
        result["what_if"] = what_if
    stats["wall_s"] = clock.now()
    return result


def _infeasible(prob, elig, clock, seed, stats):
    conflicts = find_conflicts(prob, elig, engine.Clock(max(5.0, clock.left())), seed)
    if not conflicts:
        conflicts = [
            {
                "runs": sorted(r.id for r in prob.runs if r.required),
                "message": "The mandatory and pinned runs cannot all be offered together.",
            }
        ]
    stats["wall_s"] = clock.now()
    return {
        "schema": RESULT_SCHEMA,
        "status": "infeasible",
        "objective": None,
        "bound": None,
        "runs": [],
        "unoffered": [],
        "conflicts": conflicts,
        "secondary": None,
        "stats": stats,
    }


def greedy_plan(instance):
    """The greedy hand-planner's plan alone (no CP-SAT): a result dict with status feasible."""
    prob, elig = load(instance)
    plan, occ = greedy(prob, elig)
    obj = weight(prob, plan)
    return {
        "schema": RESULT_SCHEMA,
        "status": "feasible",
        "objective": obj,
        "bound": None,
        "runs": plan_json(prob, plan),
        "unoffered": explain_unoffered(prob, elig, plan, occ),
        "secondary": secondary_metrics(prob, plan),
        "stats": {"solver": "greedy"},
    }
