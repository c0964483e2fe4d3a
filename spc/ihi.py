"""IHI run-chart rules (Perla, Provost & Murray 2011), for `run` with `rules: "ihi"`.

Shift: >= 6 consecutive points on one side of the median; points on the median are
skipped (they neither add to nor break a shift). Trend: >= 5 consecutive points all going
up or all going down; equal neighbours count once. The number of runs is reported but not
judged (the published runs table could not be verified; see spc-rules.md §3).

Evaluated per group on the included points (missing and excluded points skipped); indices
in `shifts` / `trends` are the series' own. This runs per series in plain Python: IHI run
charts are few and short, unlike the XmR batches the engine is built for.
"""

import math

SHIFT = 6
TREND = 5


def shifts_and_runs(points, median):
    """points: [(index, value)] in order. Returns ([[from, to], ...], n_runs)."""
    shifts = []
    n_runs = 0
    run_sign = 0
    run_from = run_to = None
    run_len = 0
    for index, value in points:
        s = (value > median) - (value < median)
        if s == 0:
            continue
        if s == run_sign:
            run_len += 1
            run_to = index
            continue
        if run_len >= SHIFT:
            shifts.append([run_from, run_to])
        n_runs += 1
        run_sign, run_from, run_to, run_len = s, index, index, 1
    if run_len >= SHIFT:
        shifts.append([run_from, run_to])
    return shifts, n_runs


def trends(points):
    """points: [(index, value)]. Ties collapse into one plateau; a trend runs from the last
    point of its first plateau to the first point of its last plateau."""
    plateaus = []  # [value, first index, last index]
    for index, value in points:
        if plateaus and plateaus[-1][0] == value:
            plateaus[-1][2] = index
        else:
            plateaus.append([value, index, index])
    found = []
    start = 0  # plateau where the current monotone stretch begins
    direction = 0
    for i in range(1, len(plateaus) + 1):
        d = 0
        if i < len(plateaus):
            d = 1 if plateaus[i][0] > plateaus[i - 1][0] else -1
        if i < len(plateaus) and d == direction:
            continue
        # the stretch start..i-1 ends here
        if direction and i - start >= TREND:
            found.append([plateaus[start][2], plateaus[i - 1][1]])
        start = i - 1
        direction = d
    return found


def ihi_rules(r, si, y):
    spec = r.specs[si]
    first = int(r.s_first_group[si])
    shifts, trend_list, n_runs = [], [], 0
    median = None
    for g in range(first, first + int(r.s_ngroups[si])):
        start, length = int(r.g_start[g]), int(r.g_len[g])
        median = float(r.g_centre[g])
        points = [
            (i - spec.offset, float(y[i]))
            for i in range(start, start + length)
            if not math.isnan(y[i]) and not r.excluded[i]
        ]
        if math.isnan(median):
            trend_list += trends(points)
            continue
        sh, runs = shifts_and_runs(points, median)
        shifts += sh
        n_runs += runs
        trend_list += trends(points)
    if median is not None and math.isnan(median):
        median = None
    return {"median": median, "shifts": shifts, "trends": trend_list, "n_runs": n_runs}
