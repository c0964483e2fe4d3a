"""Batch engine: splits every series into groups (rebase_at), buckets groups of the same
chart and (padded) length, and runs each bucket through the vectorised chart code.

The results stay in flat numpy arrays (one entry per point, one per group, one per
series) for the serialiser; nothing here builds per-point Python objects, which is what
keeps a batch of 10,000 series fast. Every computation is row-wise, so a single request
(a bucket of one) gets bit-for-bit the same results as it would inside any batch.
"""

import numpy as np

from . import mdc, qic
from .anhoej import runs_analysis
from .ihi import ihi_rules
from .mdc import SIDE_NULL, T_COMMON, T_NULL, T_SPECIAL
from .numeric import sign

SHORT_GROUP = 13  # NHSRplotthedots ptd_spc.warning_threshold default: short when n < 13
CHART_CODE = {"xmr": 0, "run": 1, "i": 2, "mr": 3, "c": 4, "p": 5, "u": 6}
XMR, RUN, I, MR, C, P, U = range(7)  # noqa: E741 (the chart names, as in qicharts2)
_NO_K = np.iinfo(np.int64).max


def padded_length(n):
    """Bucket width for groups of n points (an int array): exact for short groups, then a
    coarse ladder, so that a batch of many distinct lengths still makes only a few dozen
    buckets (each costs a fixed number of numpy calls)."""
    n = np.asarray(n, dtype=np.int64)
    step = np.where(
        n <= 16, 1, np.where(n <= 256, 8, 1 << np.maximum(np.floor(np.log2(np.maximum(n, 1))).astype(np.int64) - 3, 0))
    )
    return -(-n // step) * step


class Result:
    """Everything the serialiser needs, in flat arrays (see compute())."""


def compute(specs, flat, y, excluded, den):
    r = Result()
    r.specs, r.flat, r.excluded = specs, flat, excluded
    count = len(specs)
    n_points = len(y)
    ns = np.fromiter((s.n for s in specs), dtype=np.int64, count=count)
    offsets = np.zeros(count, dtype=np.int64)
    if count > 1:
        np.cumsum(ns[:-1], out=offsets[1:])
    r.ns, r.offsets = ns, offsets
    r.s_chart = np.fromiter((CHART_CODE[s.chart] for s in specs), dtype=np.int8, count=count)
    r.s_direction = np.fromiter((s.direction for s in specs), dtype=np.int8, count=count)

    _make_groups(r, specs, ns, offsets)
    ng = len(r.g_start)
    r.side = np.full(n_points, SIDE_NULL, dtype=np.int8)
    r.outside = np.zeros(n_points, dtype=bool)
    r.rule = np.zeros(n_points, dtype=np.int8)
    r.typ = np.zeros(n_points, dtype=np.int8)
    r.value = None  # plotted values that differ from the input (mr, p, u)
    r.value_override = None
    r.point_lower = None  # per-point limits (p, u)
    r.point_upper = None
    r.g_centre = np.full(ng, np.nan)
    r.g_lower = np.full(ng, np.nan)
    r.g_upper = np.full(ng, np.nan)
    r.g_short = np.full(ng, 2, dtype=np.int8)  # 0 false, 1 true, 2 null
    r.g_runs = {}  # group -> runs analysis dict (charts other than xmr)

    if ng:
        # groups with a missing or excluded point need their rules run on compressed
        # sequences; bucketing them apart keeps that cost off the others
        gaps = np.isnan(y)
        if len(excluded):
            gaps |= excluded
        sparse = np.add.reduceat(gaps, r.g_start) > 0
        widths = padded_length(r.g_len)
        keys = (r.g_chart.astype(np.int64) << 41) | (sparse.astype(np.int64) << 40) | widths
        order = np.argsort(keys, kind="stable")
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        for gids in np.split(order, cuts):
            key = int(keys[gids[0]])
            _bucket(r, key >> 41, key & ((1 << 40) - 1), gids, y, excluded, den)

    _series_summaries(r, specs, ns, offsets, y)
    return r


def _make_groups(r, specs, ns, offsets):
    if all(len(s.starts) == 1 for s in specs):
        series = np.flatnonzero(ns)
        start = offsets[series]
        length = ns[series]
        first = np.zeros(len(series), dtype=np.int64)
        local = first
        s_ng = (ns > 0).astype(np.int64)
    else:
        series, start, length, first, local, counts = [], [], [], [], [], []
        for si, s in enumerate(specs):
            if s.n == 0:
                counts.append(0)
                continue
            bounds = (*s.starts, s.n)
            for gi in range(len(s.starts)):
                series.append(si)
                start.append(s.offset + bounds[gi])
                length.append(bounds[gi + 1] - bounds[gi])
                first.append(bounds[gi])
                local.append(gi)
            counts.append(len(s.starts))
        series, start, length, first, local, s_ng = (
            np.array(a, dtype=np.int64) for a in (series, start, length, first, local, counts)
        )
    r.g_series, r.g_start, r.g_len, r.g_first, r.g_local = series, start, length, first, local
    r.s_ngroups = s_ng
    r.s_first_group = np.zeros(len(specs), dtype=np.int64)
    if len(specs) > 1:
        np.cumsum(s_ng[:-1], out=r.s_first_group[1:])
    r.g_chart = r.s_chart[series]
    r.g_direction = r.s_direction[series]
    if any(s.k is not None for s in specs):
        ks = np.fromiter((_NO_K if s.k is None else s.k for s in specs), dtype=np.int64, count=len(specs))
        r.g_k = ks[series]
    else:
        r.g_k = np.full(len(series), _NO_K, dtype=np.int64)
    scr = np.fromiter((s.screen for s in specs), dtype=bool, count=len(specs))
    r.g_screen = scr[series]


def _bucket(r, chart, width, gids, y_flat, excluded, den_flat):
    length = r.g_len[gids]
    cols = np.arange(width)
    full = bool((length == width).all())
    pad = np.ones((len(gids), width), dtype=bool) if full else cols[None, :] < length[:, None]
    idx = r.g_start[gids][:, None] + cols[None, :]
    if not full:
        idx[~pad] = 0
    y = y_flat[idx]
    if not full:
        y[~pad] = np.nan
    rowok = pad & ~excluded[idx] if len(excluded) else pad
    base = cols[None, :] < r.g_k[gids][:, None]
    at = idx.ravel() if full else idx[pad]

    def put(dest, values):
        dest[at] = values.ravel() if full else values[pad]

    if chart == XMR:
        valid = pad & ~np.isnan(y)
        incl = valid & rowok
        lim = mdc.xmr_limits(y, incl, rowok, base, r.g_screen[gids])
        side, outside, rule, typ = mdc.xmr_points(y, valid, incl, lim, r.g_direction[gids])
        put(r.side, side)
        put(r.outside, outside)
        put(r.rule, rule)
        put(r.typ, typ)
        r.g_centre[gids], r.g_lower[gids], r.g_upper[gids] = (lim["centre"], lim["lower"], lim["upper"])
        r.g_short[gids] = incl.sum(axis=1) < SHORT_GROUP
        return

    v = y
    if chart == MR:
        v = qic.mr_values(y)
        valid = pad & ~np.isnan(v)
    elif chart in (P, U):
        d = den_flat[idx]
        valid = pad & ~np.isnan(y) & ~np.isnan(d)
        num = np.where(valid, y, np.nan)
        d = np.where(valid, d, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = num / d
    else:
        valid = pad & ~np.isnan(y)
    incl = valid & rowok

    if chart == RUN:
        cl = qic.run_centre(v, incl & base)
        lcl = ucl = np.full(len(gids), np.nan)
    elif chart == I:
        cl, lcl, ucl = qic.i_limits(v, incl, rowok, base, r.g_screen[gids])
    elif chart == MR:
        cl, lcl, ucl = qic.mr_limits(v, incl, base)
    elif chart == C:
        cl, lcl, ucl = qic.c_limits(v, incl, base)
    elif chart == P:
        cl, lcl, ucl = qic.p_limits(num, d, incl, base)
    else:
        cl, lcl, ucl = qic.u_limits(num, d, incl, base)

    per_point = lcl.ndim == 2
    lo = lcl if per_point else lcl[:, None]
    hi = ucl if per_point else ucl[:, None]
    with np.errstate(invalid="ignore"):
        s = sign(v - cl[:, None])
        outside = valid & ((v > hi) | (v < lo))
    put(r.side, np.where(valid & ~np.isnan(cl)[:, None], s, np.int8(SIDE_NULL)))
    put(r.outside, outside)
    # qicharts2: sigma.signal is FALSE where the value is missing, so such points are
    # common cause too (the reference MR case fixes this for the first, empty MR)
    put(r.typ, np.where(outside, np.int8(T_SPECIAL), np.int8(T_COMMON)))
    r.g_centre[gids] = cl
    if per_point:
        if r.point_lower is None:
            r.point_lower = np.full(len(y_flat), np.nan)
            r.point_upper = np.full(len(y_flat), np.nan)
        put(r.point_lower, lcl)
        put(r.point_upper, ucl)
    else:
        r.g_lower[gids], r.g_upper[gids] = lcl, ucl
    if v is not y:
        if r.value is None:
            r.value = np.full(len(y_flat), np.nan)
            r.value_override = np.zeros(len(y_flat), dtype=bool)
        put(r.value, v)
        r.value_override[at] = True

    runs = runs_analysis(v, incl, cl)
    for g, item in zip(gids.tolist(), runs):
        if chart == MR:  # qicharts2 forces the runs signal off for MR charts
            item["signal"] = False
        r.g_runs[g] = item


def _series_summaries(r, specs, ns, offsets, y):
    """Per series: variation (type code of the last non-missing point, xmr only; 0 = null),
    assurance code (mdc.ASSURANCE_NAMES; 0 = null) and the ihi object (run charts)."""
    count = len(specs)
    r.variation = np.zeros(count, dtype=np.int8)
    r.assurance = np.zeros(count, dtype=np.int8)
    r.ihi = {}
    xmr = r.s_chart == XMR
    nonempty = np.flatnonzero(ns)
    if len(r.typ) and len(nonempty):
        pos = np.where(r.typ != T_NULL, np.arange(len(r.typ)), -1)
        last = np.maximum.reduceat(pos, offsets[nonempty])
        ok = (last >= offsets[nonempty]) & xmr[nonempty]
        r.variation[nonempty[ok]] = r.typ[last[ok]]
    targets = np.fromiter((np.nan if s.target is None else s.target for s in specs), dtype=np.float64, count=count)
    with_target = np.flatnonzero(xmr & (ns > 0) & ~np.isnan(targets))
    if len(with_target):
        g = r.s_first_group[with_target] + r.s_ngroups[with_target] - 1
        r.assurance[with_target] = mdc.assurance_codes(
            r.s_direction[with_target], targets[with_target], r.g_lower[g], r.g_upper[g]
        )
    for si in np.flatnonzero(r.s_chart == RUN).tolist():
        if specs[si].rules == "ihi":
            r.ihi[si] = ihi_rules(r, si, y)
