"""The CP-SAT model.

Variables per modelled run r: `off[r]` (offered), `z[r, ds]` (its day-slot), `u[r, w]` (its
start week), `start[r]` (integer start week), `x[r, b, t, ds]` (tutor t takes block b at day-slot
ds) and `v[r, room, ds]`. Each block gets exactly one peer and one staff tutor at the chosen
day-slot; tutors and rooms get optional fixed-size week intervals, one no-overlap per
(tutor, day-slot) and (room, day-slot). Leave is a linear cut against the start-week literals
(tight for the LP, which is what `max_lp_sym` lives on). Pins need no constraints of their own:
preprocessing already narrowed a pinned run's candidates to the pin, so `off[r] = 1` is the pin.

Objective terms (weight, continuity breaks, max peer paid hours, topic coverage, changes from
a previous plan) are built on demand so a solve only carries the ones it optimises.
"""

from collections import defaultdict

from ortools.sat.python import cp_model

from .plan import Assign

ROLES = ("peer", "staff")
TOPIC_SCALE = 10000  # topic coverage is a ratio; scaled to an integer for CP-SAT


def scale_factor(values):
    """Smallest k making every hour figure an integer, so release sums stay exact."""
    for k in (1, 2, 4, 10, 20, 100, 1000):
        if all(abs(v * k - round(v * k)) < 1e-9 for v in values):
            return k
    return 1000


class PlanModel:
    def __init__(self, prob, elig, *, runs=None, required="hard", force=()):
        """required: 'hard' (mandatory/pinned runs offered), 'assume' (their off literals become
        assumptions, for infeasibility cores) or 'none'. `force`: extra runs that must be offered."""
        self.prob, self.elig = prob, elig
        m = self.m = cp_model.CpModel()
        pool = range(len(prob.runs)) if runs is None else runs
        self.runs = [r for r in pool if elig[r].static is None]
        hours = [c["session_hours"] for c in prob.courses.values()] + [prob.prep]
        hours += [t.release for t in prob.tutors if t.role == "staff"]
        self.k = scale_factor(hours)
        self.off, self.z, self.u, self.start = {}, {}, {}, {}
        self.x, self.v = {}, {}
        self.sel = {}
        self.tx = defaultdict(list)  # t -> [(length, x)]
        self.req_lits = {}
        self._extra = {}
        self._build_selectors()
        tutor_iv = defaultdict(list)
        room_iv = defaultdict(list)
        for r in self.runs:
            self._build_run(r, tutor_iv, room_iv)
        self._build_resources(tutor_iv, room_iv)
        force = set(force)
        for r in self.runs:
            run = prob.runs[r]
            if r in force or (run.required and required == "hard"):
                m.add(self.off[r] == 1)
            elif run.required and required == "assume":
                self.req_lits[r] = self.off[r]
        self.weight = sum(prob.runs[r].weight * self.off[r] for r in self.runs)

    # -- construction -------------------------------------------------------------------------
    def _build_selectors(self):
        cands = [t for t in self.prob.tutors if t.candidate >= 0]
        for t in cands:
            self.sel[t.idx] = self.m.new_bool_var(f"sel_{t.id}")
        if cands:
            self.m.add(sum(self.sel.values()) <= 1)  # "one more staff tutor"

    def _build_run(self, r, tutor_iv, room_iv):
        m, prob, e = self.m, self.prob, self.elig[r]
        run = prob.runs[r]
        off = self.off[r] = m.new_bool_var(f"off_{run.id}")
        zs = {ds: m.new_bool_var(f"z_{run.id}_{ds}") for ds in e.ds}
        us = {w: m.new_bool_var(f"u_{run.id}_{w}") for w in e.weeks}
        for ds, lit in zs.items():
            self.z[(r, ds)] = lit
        for w, lit in us.items():
            self.u[(r, w)] = lit
        m.add(sum(zs.values()) == off)
        m.add(sum(us.values()) == off)
        w0 = e.weeks[0]
        if len(e.weeks) == 1:
            start = w0
        else:
            start = m.new_int_var(w0, e.weeks[-1], f"start_{run.id}")
            # an unoffered run sits at w0, so the hint for it is always consistent
            m.add(start == w0 + sum((w - w0) * us[w] for w in e.weeks))
        self.start[r] = start
        for bi, (boff, ln) in enumerate(run.blocks):
            for _role, pool in (("peer", e.peers[bi]), ("staff", e.staff[bi])):
                by_ds = defaultdict(list)
                for t, (dss, forb) in pool.items():
                    lits = []
                    for ds in dss:
                        x = m.new_bool_var(f"x_{run.id}_{bi}_{prob.tutors[t].id}_{ds}")
                        self.x[(r, bi, t, ds)] = x
                        by_ds[ds].append(x)
                        lits.append(x)
                        tutor_iv[(t, ds)].append(
                            (m.new_optional_fixed_size_interval_var(start + boff, ln, x, ""), ln, x)
                        )
                        self.tx[t].append((ln, x, r))
                        if t in self.sel:
                            m.add_implication(x, self.sel[t])
                    if forb:
                        m.add(sum(lits) + sum(us[w] for w in forb) <= 1)
                for ds in e.ds:
                    m.add(sum(by_ds.get(ds, [])) == zs[ds])
        if not run.online:
            for ds in e.ds:
                vs = []
                for room in e.rooms[ds]:
                    v = m.new_bool_var(f"v_{run.id}_{prob.rooms[room].id}_{ds}")
                    self.v[(r, room, ds)] = v
                    vs.append(v)
                    room_iv[(room, ds)].append(
                        (m.new_optional_fixed_size_interval_var(start, run.sessions, v, ""), run.sessions, v)
                    )
                m.add(sum(vs) == zs[ds])

    def _build_resources(self, tutor_iv, room_iv):
        m, prob = self.m, self.prob
        for (t, _ds), ivs in tutor_iv.items():
            if len(ivs) > 1:
                m.add_no_overlap([iv for iv, _, _ in ivs])
                cap = prob.W - len(prob.tutors[t].leave)
                if sum(ln for _, ln, _ in ivs) > cap:  # week-capacity cut for the LP
                    m.add(sum(ln * x for _, ln, x in ivs) <= cap)
        for _room_ds, ivs in room_iv.items():
            if len(ivs) > 1:
                m.add_no_overlap([iv for iv, _, _ in ivs])
                if sum(ln for _, ln, _ in ivs) > prob.W:
                    m.add(sum(ln * v for _, ln, v in ivs) <= prob.W)
        k = self.k
        for t, items in self.tx.items():
            tut = prob.tutors[t]
            sel = self.sel.get(t, 1)
            total = sum(ln for ln, _, _ in items)
            if total > tut.max_sessions or t in self.sel:
                m.add(sum(ln * x for ln, x, _ in items) <= tut.max_sessions * sel)
            if tut.role == "staff":
                need = [(round(ln * (prob.runs[r].hours + prob.prep) * k), x) for ln, x, r in items]
                cap = int(tut.release * k + 1e-6)
                if sum(n for n, _ in need) > cap or t in self.sel:
                    m.add(sum(n * x for n, x in need) <= cap * sel)

    # -- objective terms ----------------------------------------------------------------------
    def breaks(self):
        """Tutor changes between the two blocks of split runs (peer and staff counted apart)."""
        if "breaks" in self._extra:
            return self._extra["breaks"][0]
        m, terms, info = self.m, [], []
        for r in self.runs:
            run = self.prob.runs[r]
            if len(run.blocks) != 2:
                continue
            e = self.elig[r]
            for role, pools in (("peer", e.peers), ("staff", e.staff)):
                b = m.new_bool_var("")
                for t in set(pools[0]) | set(pools[1]):
                    a0 = [self.x[(r, 0, t, ds)] for ds in pools[0].get(t, ((), ()))[0]]
                    a1 = [self.x[(r, 1, t, ds)] for ds in pools[1].get(t, ((), ()))[0]]
                    m.add(b >= sum(a0) - sum(a1))
                terms.append(b)
                info.append((r, role, b))
        expr = sum(terms)
        self._extra["breaks"] = (expr, info)
        return expr

    def max_peer_hours(self):
        """Largest paid delivery hours of any paid peer tutor (scaled by self.k)."""
        if "peerh" in self._extra:
            return self._extra["peerh"][0]
        m, prob = self.m, self.prob
        items = {t: v for t, v in self.tx.items() if prob.tutors[t].role == "peer" and prob.tutors[t].paid}
        ub = max([sum(round(ln * prob.runs[r].hours * self.k) for ln, _, r in v) for v in items.values()] + [0])
        mx = m.new_int_var(0, ub, "max_peer_hours")
        for v in items.values():
            m.add(mx >= sum(round(ln * prob.runs[r].hours * self.k) * x for ln, x, r in v))
        self._extra["peerh"] = (mx, None)
        return mx

    def topic_coverage(self):
        """min over topics (with wished runs) of offered/wished, as an integer out of TOPIC_SCALE."""
        if "topic" in self._extra:
            return self._extra["topic"][0]
        m, prob = self.m, self.prob
        wished = defaultdict(int)
        for run in prob.runs:
            wished[run.topic] += 1
        cov = m.new_int_var(0, TOPIC_SCALE, "topic_coverage")
        for topic, n in wished.items():
            offs = [self.off[r] for r in self.runs if prob.runs[r].topic == topic]
            m.add(TOPIC_SCALE * sum(offs) >= n * cov)
        self._extra["topic"] = (cov, dict(wished))
        return cov

    def changes(self, prev):
        """Runs whose assignment differs from `prev` ({run: Assign}), plus runs newly offered."""
        if "changes" in self._extra:
            return self._extra["changes"][0]
        m, terms, keeps = self.m, [], {}
        for r in self.runs:
            if r not in prev:
                terms.append(self.off[r])
                continue
            a = prev[r]
            lits = [self.off[r], self.z.get((r, a.ds)), self.u.get((r, a.week))]
            if a.room is not None:
                lits.append(self.v.get((r, a.room, a.ds)))
            for bi, pair in enumerate(a.pairs):
                for t in pair:
                    lits.append(self.x.get((r, bi, t, a.ds)) if t is not None else None)
            keep = m.new_bool_var("")
            if any(lit is None for lit in lits):
                m.add(keep == 0)  # the old assignment is no longer possible
            else:
                for lit in lits:
                    m.add_implication(keep, lit)
            keeps[r] = keep
            terms.append(1 - keep)
        gone = sum(1 for r in prev if r not in self.off)
        expr = sum(terms) + gone
        self._extra["changes"] = (expr, keeps)
        return expr

    # -- hints and solutions ------------------------------------------------------------------
    def hint(self, plan):
        """Hint every variable from a complete plan ({run: Assign})."""
        m = self.m
        m.clear_hints()
        for r in self.runs:
            a = plan.get(r)
            m.add_hint(self.off[r], a is not None)
            e = self.elig[r]
            for ds in e.ds:
                m.add_hint(self.z[(r, ds)], a is not None and a.ds == ds)
            for w in e.weeks:
                m.add_hint(self.u[(r, w)], a is not None and a.week == w)
            if not isinstance(self.start[r], int):
                m.add_hint(self.start[r], a.week if a is not None else e.weeks[0])
        for (r, bi, t, ds), x in self.x.items():
            a = plan.get(r)
            m.add_hint(x, a is not None and a.ds == ds and t in a.pairs[bi])
        for (r, room, ds), v in self.v.items():
            a = plan.get(r)
            m.add_hint(v, a is not None and a.ds == ds and a.room == room)
        used = {t for a in plan.values() for pair in a.pairs for t in pair}
        for t, s in self.sel.items():
            m.add_hint(s, t in used)
        if "breaks" in self._extra:
            for r, role, b in self._extra["breaks"][1]:
                a = plan.get(r)
                k = ROLES.index(role)
                m.add_hint(b, a is not None and a.pairs[0][k] != a.pairs[1][k])
        if "peerh" in self._extra:
            m.add_hint(self._extra["peerh"][0], self.peer_hours_of(plan))
        if "topic" in self._extra:
            cov, wished = self._extra["topic"]
            m.add_hint(cov, self.coverage_of(plan, wished))
        if "changes" in self._extra:
            for r, keep in self._extra["changes"][1].items():
                m.add_hint(keep, self._kept(r, plan))

    def set_prev(self, prev):
        self._prev = prev

    def _kept(self, r, plan):
        prev = getattr(self, "_prev", {})
        a, b = plan.get(r), prev.get(r)
        return a is not None and b is not None and (a.ds, a.week, a.room, a.pairs) == (b.ds, b.week, b.room, b.pairs)

    def peer_hours_of(self, plan):
        prob, hrs = self.prob, defaultdict(int)
        for r, a in plan.items():
            run = prob.runs[r]
            for bi, (_, ln) in enumerate(run.blocks):
                t = a.pairs[bi][0]
                if prob.tutors[t].paid:
                    hrs[t] += round(ln * run.hours * self.k)
        return max(hrs.values(), default=0)

    def coverage_of(self, plan, wished):
        got = defaultdict(int)
        for r in plan:
            got[self.prob.runs[r].topic] += 1
        return min([TOPIC_SCALE * got[tp] // n for tp, n in wished.items()] + [TOPIC_SCALE])

    def extract(self, solver):
        """The plan in the solver's best solution."""
        prob, plan = self.prob, {}
        for r in self.runs:
            if not solver.boolean_value(self.off[r]):
                continue
            e = self.elig[r]
            ds = next(d for d in e.ds if solver.boolean_value(self.z[(r, d)]))
            w = next(w for w in e.weeks if solver.boolean_value(self.u[(r, w)]))
            room = None
            if not prob.runs[r].online:
                room = next(rm for rm in e.rooms[ds] if solver.boolean_value(self.v[(r, rm, ds)]))
            pairs = []
            for bi in range(len(prob.runs[r].blocks)):
                pair = []
                for pool in (e.peers[bi], e.staff[bi]):
                    pair.append(
                        next(
                            t
                            for t, (dss, _) in pool.items()
                            if ds in dss and solver.boolean_value(self.x[(r, bi, t, ds)])
                        )
                    )
                pairs.append(pair)
            plan[r] = Assign(ds, w, room, pairs)
        return plan
