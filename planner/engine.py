"""Running CP-SAT: parameters, progress reporting, stop requests."""

import math
import sys
import time

from ortools import __version__ as ORTOOLS_VERSION
from ortools.sat.python import cp_model

SOLVER_NAME = f"ortools {ORTOOLS_VERSION}"
# Measured on the 2-core target: the default portfolio's bound barely moves, while the
# max_lp_sym subsolver alone proves M in seconds. Subsolver names change between releases,
# which is why ortools is pinned.
PRIMARY_SUBSOLVERS = ("max_lp_sym",)


class Clock:
    def __init__(self, time_limit):
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + time_limit

    def now(self):
        return time.perf_counter() - self.t0

    def left(self):
        return self.deadline - time.perf_counter()


class Progress:
    """Calls `progress(objective, bound, wall_s)` whenever either improves."""

    def __init__(self, fn, clock, offset=0):
        self.fn, self.clock, self.offset = fn, clock, offset
        self.best = None
        self.bound = None
        self.events = []  # (objective, bound, wall_s): kept for stats and benchmarks

    def report(self, objective, bound):
        objective = None if objective is None else int(round(objective))
        if bound is not None:
            bound = int(math.floor(bound + 1e-6))
        changed = False
        if objective is not None and (self.best is None or objective > self.best):
            self.best, changed = objective, True
        if bound is not None and (self.bound is None or bound < self.bound):
            self.bound, changed = bound, True
        if changed:
            ev = (self.best, self.bound, self.clock.now())
            self.events.append(ev)
            if self.fn is not None:
                try:
                    self.fn(*ev)
                except Exception as exc:  # noqa: BLE001 - runs inside the solver's thread
                    # a failing observer must not kill the solve; report once, then stop calling
                    self.fn = None
                    print(
                        f"planner: progress callback failed ({type(exc).__name__}: {exc}); continuing without it",
                        file=sys.stderr,
                    )


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress, should_stop):
        super().__init__()
        self.progress, self.should_stop = progress, should_stop

    def on_solution_callback(self):
        if self.progress is not None:
            self.progress.report(self.objective_value, self.best_objective_bound)
        if self.should_stop is not None and self.should_stop():
            self.stop_search()


def run(
    model, time_limit, *, seed=0, workers=2, subsolvers=PRIMARY_SUBSOLVERS, progress=None, should_stop=None, log=None
):
    """Solve `model` (a CpModel); returns (status, solver)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.01, time_limit)
    p.num_workers = max(1, workers)
    p.random_seed = seed
    for name in subsolvers or ():
        p.subsolvers.append(name)
    # one presolve round: later rounds re-probe ~all literals for little gain (measured at M-XL)
    p.max_presolve_iterations = 1
    if log is not None:
        p.log_search_progress = True
        p.log_to_stdout = False  # stdout carries the JSON result only
        solver.log_callback = log
    cb = _Callback(progress, should_stop) if (progress or should_stop) else None
    if progress is not None:

        def on_bound(b):
            progress.report(None, b)
            if should_stop is not None and should_stop():
                solver.stop_search()

        solver.best_bound_callback = on_bound
    status = solver.solve(model, cb)
    return status, solver


def status_name(status):
    return {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.MODEL_INVALID: "invalid",
    }.get(status, "unknown")
