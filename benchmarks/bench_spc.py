"""Throughput benchmark for `tandem spc` (CONTRACTS.md §1): a batch of 10,000 XmR series of
60 points each, through the whole process (Python start-up, JSON in, JSON out).

    .venv/bin/python benchmarks/bench_spc.py [--series 10000] [--points 60] [--runs 7]
                                             [--dates]

Writes a seeded batch to a temporary folder, runs `.venv/bin/tandem spc FILE > out` several
times, checks the output holds one result per series with every point, and prints the
median and best wall time. The target is about 0.6 s on the project's 2-core machine.
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
TANDEM = ROOT / ".venv" / "bin" / "tandem"


def make_batch(series, points, with_dates, seed=20190101):
    """Monthly measures: counts and one-decimal rates, some with a sustained shift or an
    outlier (so every rule fires somewhere), a few missing months, mixed directions and
    targets."""
    rng = random.Random(seed)
    dates = [f"{2015 + m // 12}-{m % 12 + 1:02d}-01" for m in range(points)]
    batch = []
    for s in range(series):
        level = rng.uniform(5, 500)
        sd = level * rng.uniform(0.02, 0.2)
        values = []
        for i in range(points):
            v = rng.gauss(level + (2 * sd if s % 7 == 0 and i >= points * 2 // 3 else 0), sd)
            if s % 11 == 0 and i == points // 2:
                v += 6 * sd
            values.append(int(round(v)) if s % 3 == 0 else round(v, 1))
        if s % 13 == 0:
            values[rng.randrange(points)] = None
        req = {"chart": "xmr", "values": values, "improvement": ("increase", "decrease", "neutral")[s % 3]}
        if s % 2:
            req["target"] = round(level * 1.1, 1)
        if with_dates:
            req["dates"] = dates
        batch.append(req)
    return batch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--points", type=int, default=60)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--dates", action="store_true", help="include a dates list per series")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "batch.json"
        out = Path(tmp) / "out.json"
        src.write_bytes(orjson.dumps(make_batch(args.series, args.points, args.dates)))
        times, cpu = [], []
        for _ in range(args.runs):
            with open(out, "wb") as fh:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                proc = subprocess.run([str(TANDEM), "spc", str(src)], stdout=fh, stderr=subprocess.PIPE)
                times.append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode:
                sys.exit(f"tandem spc failed ({proc.returncode}): {proc.stderr.decode()}")
        result = orjson.loads(out.read_bytes())
        assert len(result) == args.series, f"{len(result)} results for {args.series} series"
        assert all(len(r["points"]) == args.points for r in result), "points missing"
        size = out.stat().st_size
        print(
            f"tandem spc: {args.series} xmr series x {args.points} points"
            f"{' (with dates)' if args.dates else ''}; input {src.stat().st_size / 1e6:.1f} MB,"
            f" output {size / 1e6:.1f} MB, {len(result)} results checked"
        )
        print(
            f"wall time over {args.runs} runs: median {statistics.median(times):.3f} s,"
            f" best {min(times):.3f} s, worst {max(times):.3f} s"
        )
        # CPU time (user + system) of the tandem process: less sensitive to other load
        print(
            f"cpu time: median {statistics.median(cpu):.3f} s, best {min(cpu):.3f} s;"
            f" load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
