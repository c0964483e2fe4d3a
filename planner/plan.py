"""Plans in memory: one Assign per offered run, an occupancy ledger, and JSON conversion."""

from collections import defaultdict
from dataclasses import dataclass

from .errors import InstanceError


@dataclass
class Assign:
    ds: int
    week: int
    room: int | None
    pairs: list  # per model block: [peer idx, staff idx]


class Occupancy:
    """Who/what is busy when, and how much of each tutor's sessions and release is used."""

    def __init__(self, prob):
        self.prob = prob
        self.tbusy = defaultdict(dict)  # (t, ds) -> {week: run idx}
        self.rbusy = defaultdict(dict)  # (room, ds) -> {week: run idx}
        self.sessions = defaultdict(int)
        self.hours = defaultdict(float)
        self.truns = defaultdict(set)  # t -> run idxs

    def _spans(self, run, a):
        for bi, (off, ln) in enumerate(run.blocks):
            weeks = range(a.week + off, a.week + off + ln)
            yield bi, ln, weeks

    def add(self, run, a):
        for bi, ln, weeks in self._spans(run, a):
            for t in a.pairs[bi]:
                slot = self.tbusy[(t, a.ds)]
                for w in weeks:
                    slot[w] = run.idx
                self.sessions[t] += ln
                if self.prob.tutors[t].role == "staff":
                    self.hours[t] += self.prob.need_hours(run, ln)
                self.truns[t].add(run.idx)
        if a.room is not None:
            slot = self.rbusy[(a.room, a.ds)]
            for w in range(a.week, a.week + run.sessions):
                slot[w] = run.idx

    def remove(self, run, a):
        for bi, ln, weeks in self._spans(run, a):
            for t in a.pairs[bi]:
                slot = self.tbusy[(t, a.ds)]
                for w in weeks:
                    slot.pop(w, None)
                self.sessions[t] -= ln
                if self.prob.tutors[t].role == "staff":
                    self.hours[t] -= self.prob.need_hours(run, ln)
                self.truns[t].discard(run.idx)
        if a.room is not None:
            slot = self.rbusy[(a.room, a.ds)]
            for w in range(a.week, a.week + run.sessions):
                slot.pop(w, None)

    def tutor_clash(self, t, ds, weeks):
        slot = self.tbusy.get((t, ds))
        if not slot:
            return set()
        return {slot[w] for w in weeks if w in slot}

    def room_clash(self, room, ds, weeks):
        slot = self.rbusy.get((room, ds))
        if not slot:
            return set()
        return {slot[w] for w in weeks if w in slot}

    def sessions_left(self, t):
        return self.prob.tutors[t].max_sessions - self.sessions[t]

    def hours_left(self, t):
        return self.prob.tutors[t].release - self.hours[t]


def occupancy(prob, plan):
    occ = Occupancy(prob)
    for r, a in plan.items():
        occ.add(prob.runs[r], a)
    return occ


def weight(prob, plan):
    return sum(prob.runs[r].weight for r in plan)


def run_json(prob, r, a):
    run = prob.runs[r]
    day, slot = prob.ds_pair(a.ds)
    pairs = [list(p) for p in a.pairs]
    # two identical pairs are one block: the spec lets a pin/plan list fewer blocks
    if len(pairs) == 2 and pairs[0] == pairs[1]:
        pairs = pairs[:1]
    return {
        "run": run.id,
        "day": day,
        "slot": slot,
        "start_week": a.week,
        "room": prob.rooms[a.room].id if a.room is not None else None,
        "blocks": [{"peer": prob.tutors[p].id, "staff": prob.tutors[s].id} for p, s in pairs],
    }


def plan_json(prob, plan):
    return [run_json(prob, r, plan[r]) for r in sorted(plan)]


def plan_from_json(prob, runs, *, where="previous", strict=False):
    """Read a result's `runs` list back into {run idx: Assign}.

    Entries naming runs, rooms or tutors no longer in the instance are skipped (re-planning
    after a tutor leaves is exactly that case) unless `strict`.
    """
    if not isinstance(runs, list):
        raise InstanceError(f"{where}.runs: must be a list")
    plan = {}
    for i, item in enumerate(runs):
        w = f"{where}.runs[{i}]"
        if not isinstance(item, dict):
            raise InstanceError(f"{w}: must be an object")
        try:
            r = prob.run_idx[item["run"]]
            ds = prob.ds_of(int(item["day"]), int(item["slot"]))
            week = int(item["start_week"])
            room = item.get("room")
            room = prob.room_idx[room] if room is not None else None
            blocks = item.get("blocks") or []
            pairs = []
            for bi in range(len(prob.runs[r].blocks)):
                b = blocks[min(bi, len(blocks) - 1)]
                pairs.append([prob.tutor_idx.get(b.get("peer")), prob.tutor_idx.get(b.get("staff"))])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            if strict:
                raise InstanceError(f"{w}: unreadable plan entry ({exc})") from None
            continue
        plan[r] = Assign(ds, week, room, pairs)
    return plan
