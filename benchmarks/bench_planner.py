"""Planner benchmark: S, M, L, XL generated instances (benchmarks/planner_gen.py).

Each solve runs in its own subprocess so that peak memory (ru_maxrss) is that solve's alone.
Per size and seed it reports: weight offered, proven bound and gap, time to the first valid
plan (the greedy, from the start of `planner.solve`), time to within 1% of the bound (first
progress event with (bound - objective) / bound <= 1%), time to proven optimal (primary weight
solve), greedy baseline weight, peak memory, the solve's CPU seconds and the 1-minute load
average at its end (on a shared machine wall times stretch with the load; CPU time does not); then the what-if "best extra staff tutor" from 40
candidate profiles at M, and its proving time.

    .venv/bin/python benchmarks/bench_planner.py            # full run, a few minutes
    .venv/bin/python benchmarks/bench_planner.py --quick    # one seed each, S and M only
    .venv/bin/python benchmarks/bench_planner.py --json out.json

Targets (2-core machine): S and M proven within 10 s; L within 1% and XL within 2% in 30 s;
first valid plan within 1 s at M; peak memory under 1 GB at XL; what-if proven within 30 s at M.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAN = [("S", (1, 2)), ("M", (1, 2)), ("L", (1, 2)), ("XL", (1, 2))]


def _cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _worker(size, seed, time_limit, what_if):
    sys.path[:0] = [str(ROOT), str(HERE)]
    from planner_gen import candidate_profiles, generate

    from planner import check_plan, solve

    inst = generate(size, seed)
    events = []
    kwargs = {}
    if what_if:
        kwargs["what_if_candidates"] = candidate_profiles(inst, 40, seed)
    t0 = time.perf_counter()
    res = solve(
        inst, time_limit=time_limit, seed=0, workers=2, progress=lambda o, b, t: events.append((o, b, t)), **kwargs
    )
    wall = time.perf_counter() - t0
    errs = check_plan(inst, res)
    within = next((t for o, b, t in events if b and (b - o) / b <= 0.01), None)
    st = res["stats"]
    out = {
        "size": size,
        "seed": seed,
        "runs": len(inst["runs"]),
        "status": res["status"],
        "objective": res["objective"],
        "bound": res["bound"],
        "gap_pct": 100.0 * (res["bound"] - res["objective"]) / res["bound"] if res["bound"] else 0.0,
        "first_plan_s": st["greedy_s"],
        "within_1pct_s": within,
        "proven_s": st["primary_s"] if st["primary_status"] == "optimal" else None,
        "wall_s": wall,
        "greedy": st["greedy_objective"],
        "valid": not errs,
        "unexplained": len(inst["runs"]) - len(res["runs"]) - len(res["unoffered"]),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "cpu_s": _cpu(),
        "load": os.getloadavg()[0],
    }
    if what_if:
        wi = res["what_if"][0]
        out["what_if"] = {
            "status": wi["status"],
            "wall_s": wi["wall_s"],
            "best": wi["best"] and wi["best"]["id"],
            "gain": wi["best"]["gain"] if wi["best"] else 0,
            "objective": wi["objective"],
            "bound": wi["bound"],
        }
    print(json.dumps(out))


def _spawn(size, seed, time_limit, what_if=False):
    cmd = [sys.executable, __file__, "--worker", size, str(seed), str(time_limit)]
    if what_if:
        cmd.append("--what-if")
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{size} seed {seed} failed: {proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(v, nd=2):
    if v is None:
        return "-"
    return f"{v:.{nd}f}" if isinstance(v, float) else str(v)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Planner benchmark")
    ap.add_argument("--worker", nargs=3, metavar=("SIZE", "SEED", "TIME_LIMIT"), help=argparse.SUPPRESS)
    ap.add_argument("--what-if", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="one seed, S and M only")
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = ap.parse_args(argv)
    if args.worker:
        size, seed, tl = args.worker
        _worker(size, int(seed), float(tl), args.what_if)
        return 0
    plan = [(s, seeds[:1]) for s, seeds in PLAN[:2]] if args.quick else PLAN
    print(
        f"planner benchmark: {os.cpu_count()} CPUs, time limit {args.time_limit:g} s, "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    head = (
        "size",
        "seed",
        "runs",
        "status",
        "weight",
        "bound",
        "gap%",
        "greedy",
        "first_s",
        "1%_s",
        "proven_s",
        "wall_s",
        "cpu_s",
        "load",
        "peak_MB",
        "valid",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    rows = []
    t_all = time.perf_counter()
    for size, seeds in plan:
        for seed in seeds:
            r = _spawn(size, seed, args.time_limit)
            rows.append(r)
            print(
                "| "
                + " | ".join(
                    [
                        r["size"],
                        str(r["seed"]),
                        str(r["runs"]),
                        r["status"],
                        str(r["objective"]),
                        str(r["bound"]),
                        _fmt(r["gap_pct"]),
                        str(r["greedy"]),
                        _fmt(r["first_plan_s"], 3),
                        _fmt(r["within_1pct_s"]),
                        _fmt(r["proven_s"]),
                        _fmt(r["wall_s"]),
                        _fmt(r["cpu_s"], 1),
                        _fmt(r["load"], 1),
                        _fmt(r["peak_mb"], 0),
                        "yes" if r["valid"] and not r["unexplained"] else "NO",
                    ]
                )
                + " |",
                flush=True,
            )
    wi = _spawn("M", 1, args.time_limit, what_if=True)
    rows.append(wi)
    w = wi["what_if"]
    print(
        f"\nwhat-if at M (seed 1, 40 candidate staff profiles): best {w['best']} "
        f"(+{w['gain']} weight, {wi['objective']} -> {w['objective']}), status {w['status']}, "
        f"bound {w['bound']}, {w['wall_s']:.2f} s; peak {wi['peak_mb']:.0f} MB, "
        f"process CPU {wi['cpu_s']:.1f} s, load {wi['load']:.1f}"
    )
    print(f"total benchmark time {time.perf_counter() - t_all:.0f} s; load average now {os.getloadavg()[0]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
