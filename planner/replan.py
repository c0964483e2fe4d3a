"""Re-planning from a previous plan: drop tutors, keep confirmed runs, change little.

Runs pinned in the instance stay pins. A previous run marked `"confirmed": true` becomes a pin
(its time and room fixed; a dropped tutor's place in it left open for the planner). Every other
previous run is only a preference: the secondary objective right after the weight counts runs
whose assignment changes (or that are dropped or newly added).
"""

import copy

from .errors import InstanceError


def previous_runs(previous):
    """The `runs` list of a previous result (or a bare list of run entries)."""
    if isinstance(previous, dict):
        runs = previous.get("runs")
    else:
        runs = previous
    if not isinstance(runs, list):
        raise InstanceError("previous: must be a plan result with a 'runs' list")
    for i, item in enumerate(runs):
        if not isinstance(item, dict) or not isinstance(item.get("run"), str):
            raise InstanceError(f"previous.runs[{i}]: must be an object with a 'run' id")
    return runs


def apply_drops(inst, drop_tutors):
    """A copy of the instance without the dropped tutors; pins naming them become partial."""
    if not drop_tutors:
        return inst
    known = {t.get("id") for t in inst["tutors"]}
    for tid in drop_tutors:
        if tid not in known:
            raise InstanceError(f"--drop-tutor: unknown tutor {tid!r}")
    gone = set(drop_tutors)
    inst = copy.deepcopy(inst)
    inst["tutors"] = [t for t in inst["tutors"] if t["id"] not in gone]
    for run in inst["runs"]:
        pin = run.get("pinned")
        if pin and pin.get("blocks"):
            pin["blocks"] = [_blank(b, gone) for b in pin["blocks"]]
    return inst


def _blank(block, gone):
    if not isinstance(block, dict):
        return block
    return {k: (None if v in gone else v) for k, v in block.items()}


def pin_confirmed(inst, runs, drop_tutors):
    """Turn confirmed previous runs into pins (unless the instance pins them already)."""
    confirmed = {item["run"]: item for item in runs if item.get("confirmed") is True}
    if not confirmed:
        return inst
    gone = set(drop_tutors)
    inst = copy.deepcopy(inst)
    ids = {r["id"] for r in inst["runs"]}
    for rid in confirmed:
        if rid not in ids:
            raise InstanceError(f"previous: confirmed run {rid!r} is not in the instance")
    for run in inst["runs"]:
        item = confirmed.get(run["id"])
        if item is None or run.get("pinned"):
            continue
        try:
            run["pinned"] = {
                "day": item["day"],
                "slot": item["slot"],
                "start_week": item["start_week"],
                "room": item.get("room"),
                "blocks": [_blank(b, gone) for b in (item.get("blocks") or [])],
            }
        except KeyError as exc:
            raise InstanceError(f"previous: confirmed run {run['id']} lacks {exc.args[0]!r}") from None
    return inst


def report(prob, prev, plan, dropped_tutors):
    """What changed against the previous plan."""
    kept, changed, dropped = [], [], []
    for r, a in prev.items():
        b = plan.get(r)
        if b is None:
            dropped.append(prob.runs[r].id)
        elif (a.ds, a.week, a.room, a.pairs) == (b.ds, b.week, b.room, b.pairs):
            kept.append(prob.runs[r].id)
        else:
            changed.append(prob.runs[r].id)
    added = sorted(prob.runs[r].id for r in plan if r not in prev)
    return {
        "previous_runs": len(prev),
        "kept": len(kept),
        "changed": sorted(changed),
        "dropped": sorted(dropped),
        "added": added,
        "changes": len(changed) + len(dropped) + len(added),
        "dropped_tutors": list(dropped_tutors),
    }
