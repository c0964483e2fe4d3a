"""What-if questions and "what would offering this run cost?".

One more staff tutor: every candidate profile becomes an optional tutor behind a selector,
at most one selected, and CP-SAT maximises the weight; a proven optimum proves which candidate
is best (hinted with the base plan and no candidate, a complete plan). Raise a release: the
same instance with more hours, hinted with the base plan (still valid). Explain cost: the run
forced in, hinted with the base plan repaired around it, then fewest changes to the base plan.
"""

import copy

from . import engine
from .core import Core
from .errors import InstanceError
from .explain import INF, displacement, run_options
from .greedy import fill, try_at
from .plan import occupancy
from .problem import load
from .validate import validate_tutor


def _diff(prob, base, new):
    added = sorted(prob.runs[r].id for r in new if r not in base)
    dropped = sorted(prob.runs[r].id for r in base if r not in new)
    moved = sorted(
        prob.runs[r].id
        for r in new
        if r in base
        and (new[r].ds, new[r].week, new[r].room, new[r].pairs)
        != (base[r].ds, base[r].week, base[r].room, base[r].pairs)
    )
    return added, dropped, moved


def candidate_tutors(inst, profiles):
    """Fill defaults into candidate profiles and validate them like tutors."""
    if not isinstance(profiles, list) or not profiles:
        raise InstanceError("candidates: must be a non-empty JSON list of tutor profiles")
    site_college = {s["id"]: s["college"] for s in inst["sites"]}
    colleges = [c["id"] for c in inst["colleges"]]
    ctx = {
        "ndays": len(inst["calendar"]["days"]),
        "nslots": len(inst["calendar"]["slots"]),
        "weeks": inst["calendar"]["weeks"],
        "colleges": set(colleges),
        "sites": set(site_college),
        "courses": {c["id"] for c in inst["courses"]},
    }
    known = {t["id"] for t in inst["tutors"]}
    out = []
    for i, p in enumerate(profiles):
        where = f"candidates[{i}]"
        if not isinstance(p, dict):
            raise InstanceError(f"{where}: must be an object")
        t = dict(p)
        t.setdefault("id", f"candidate-{i + 1}")
        if t["id"] in known:
            raise InstanceError(f"{where}.id: {t['id']!r} is already a tutor in the instance")
        known.add(t["id"])
        t.setdefault("role", "staff")
        if t["role"] != "staff":
            raise InstanceError(f"{where}.role: the what-if adds a staff tutor, got {t['role']!r}")
        sites = t.get("sites")
        if "college" not in t:
            if isinstance(sites, list) and sites and sites[0] in site_college:
                t["college"] = site_college[sites[0]]
            elif len(colleges) == 1:
                t["college"] = colleges[0]
        t.setdefault("unavailable_weeks", [])
        t.setdefault("max_sessions", 24)
        t.setdefault("paid", False)
        t.setdefault("online_ok", False)
        validate_tutor(where, t, ctx)
        out.append(t)
    return out


def _best_single(prob, elig, base_plan):
    """Hint: the base plan plus whatever one candidate lets the greedy add (best candidate)."""
    cands = [t.idx for t in prob.tutors if t.candidate >= 0]
    best, best_w = base_plan, sum(prob.runs[r].weight for r in base_plan)
    for c in cands:
        plan = dict(base_plan)
        occ = occupancy(prob, plan)
        fill(prob, elig, plan, occ, skip=frozenset(x for x in cands if x != c))
        w = sum(prob.runs[r].weight for r in plan)
        if w > best_w:
            best, best_w = plan, w
    return best


def best_extra_staff(inst, extra, base_plan, base_weight, time_limit, *, seed=0, workers=2, log=None, should_stop=None):
    """`extra`: candidate profiles as returned by candidate_tutors()."""
    clock = engine.Clock(time_limit)
    prob, elig = load(inst, extra)
    core = Core(prob, elig, seed=seed, workers=workers, log=log, should_stop=should_stop)
    status, plan, bound, _ = core.solve_weight(_best_single(prob, elig, base_plan), clock.left())
    weight = sum(prob.runs[r].weight for r in plan)
    chosen = {t for a in plan.values() for pair in a.pairs for t in pair if prob.tutors[t].candidate >= 0}
    out = {
        "kind": "extra_staff_tutor",
        "candidates": len(extra),
        "status": status,
        "base_objective": base_weight,
        "objective": weight,
        "bound": bound,
        "wall_s": clock.now(),
    }
    if weight > base_weight and chosen:
        t = prob.tutors[next(iter(chosen))]
        added, dropped, moved = _diff(prob, base_plan, plan)
        out["best"] = {
            "index": t.candidate,
            "id": t.id,
            "gain": weight - base_weight,
            "runs_added": added,
            "runs_dropped": dropped,
            "runs_taught": sorted(prob.runs[r].id for r, a in plan.items() if any(t.idx in p for p in a.pairs)),
        }
        out["message"] = (
            f"Adding {t.id} (candidate {t.candidate + 1}) raises the offered weight "
            f"from {base_weight} to {weight}"
            + (
                "; no candidate can do better (proven)."
                if status == "optimal"
                else f"; a candidate might reach at most {bound}."
            )
        )
    else:
        out["best"] = None
        out["message"] = (
            "No candidate adds any weight (proven)."
            if status == "optimal"
            else f"No candidate found that adds weight in the time; bound {bound}."
        )
    return out


def raise_release(
    inst, tutor_id, hours, base_plan, base_weight, time_limit, *, seed=0, workers=2, log=None, should_stop=None
):
    inst2 = copy.deepcopy(inst)
    t = next(t for t in inst2["tutors"] if t["id"] == tutor_id)
    before = t["release_hours"]
    t["release_hours"] = before + hours
    clock = engine.Clock(time_limit)
    prob, elig = load(inst2)
    core = Core(prob, elig, seed=seed, workers=workers, log=log, should_stop=should_stop)
    status, plan, bound, _ = core.solve_weight(base_plan, clock.left())
    weight = sum(prob.runs[r].weight for r in plan)
    added, dropped, _ = _diff(prob, base_plan, plan)
    return {
        "kind": "raise_release",
        "tutor": tutor_id,
        "hours": hours,
        "release_before": before,
        "release_after": before + hours,
        "status": status,
        "base_objective": base_weight,
        "objective": weight,
        "bound": bound,
        "gain": weight - base_weight,
        "runs_added": added,
        "runs_dropped": dropped,
        "wall_s": clock.now(),
        "message": (
            f"Raising {tutor_id}'s release from {before:g} to {before + hours:g} hours "
            f"changes the offered weight from {base_weight} to {weight}."
        ),
    }


def repair_with(prob, elig, plan, r):
    """A complete valid plan containing run r: displace the cheapest runs, then refill."""
    run, e = prob.runs[r], elig[r]
    occ = occupancy(prob, plan)
    occ.assign = plan
    tries = []
    for ds, w in run_options(e, run):
        cost, drop = displacement(prob, e, run, occ, ds, w)
        if cost < INF:
            tries.append((cost, len(drop), ds, w, drop))
    for _cost, _, ds, w, drop in sorted(tries, key=lambda x: x[:4]):
        new = {k: v for k, v in plan.items() if k not in drop}
        occ2 = occupancy(prob, new)
        a = try_at(prob, e, run, occ2, ds, w)
        if a is None:
            continue
        occ2.add(run, a)
        new[r] = a
        fill(prob, elig, new, occ2)
        return new
    return None


def explain_cost(prob, elig, core, base_plan, base_weight, run_id, time_limit):
    clock = engine.Clock(time_limit)
    r = prob.run_idx[run_id]
    run = prob.runs[r]
    out = {"run": run_id, "weight": run.weight, "base_objective": base_weight}
    if r in base_plan:
        return {**out, "status": "offered", "cost": 0, "message": f"{run_id} is already offered."}
    if elig[r].static is not None:
        code, msg = elig[r].static
        return {
            **out,
            "status": "impossible",
            "reason_code": code,
            "cost": None,
            "message": f"{run_id} cannot be offered in any plan: {msg}",
        }
    # a complete hint holding r: the base plan repaired around it (None if no easy repair)
    hint = repair_with(prob, elig, base_plan, r)
    status, plan, bound, pm = core.solve_weight(hint or base_plan, clock.left() * 0.7, force=[r])
    if r not in plan:
        msg = (
            f"{run_id} cannot be offered together with the mandatory and pinned runs."
            if status == "infeasible"
            else f"No plan offering {run_id} was found in the time."
        )
        return {**out, "status": status, "cost": None, "message": msg}
    if clock.left() > 0.1:  # among the best plans with r, the one closest to the base plan
        plan, _ = core.secondaries(pm, plan, clock, prev=base_plan, levels=("changes_from_previous",))
    weight = sum(prob.runs[k].weight for k in plan)
    added, dropped, moved = _diff(prob, base_plan, plan)
    added = [x for x in added if x != run_id]
    lost = (
        ", ".join(f"{prob.runs[prob.run_idx[x]].id} (weight {prob.runs[prob.run_idx[x]].weight})" for x in dropped)
        or "nothing"
    )
    return {
        **out,
        "status": "optimal" if status == "optimal" else "feasible",
        "objective": weight,
        "bound": bound,
        "cost": base_weight - weight,
        "runs_dropped": dropped,
        "runs_added": added,
        "runs_moved": moved,
        "wall_s": clock.now(),
        "message": (
            f"Offering {run_id} (weight {run.weight}) means dropping {lost}: total weight {base_weight} -> {weight}."
        ),
    }
