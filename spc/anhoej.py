"""Anhøj runs analysis (qicharts2 `runs.analysis`), vectorised over groups.

Also the two critical values: longest_run_max = round(log2(n)) + 3 and
crossings_min = qbinom(0.05, n - 1, 0.5), the latter computed exactly (no scipy).
"""

import math
from fractions import Fraction
from functools import cache

import numpy as np

from .numeric import compress, leading, run_lengths, sign, take

_DBL_EPSILON = 2.0**-52
# R's qbinom() searches for the smallest x with P(X <= x) >= p * (1 - 64 * DBL_EPSILON)
# (its "fuzz to ensure left continuity"); p is the double nearest 0.05, not 1/20.
_P_FUZZED = Fraction(0.05) * (1 - 64 * Fraction(_DBL_EPSILON))
_EXACT_LIMIT = 5_000  # exact big-integer sums up to here (a few ms)


@cache
def qbinom_half(p: Fraction, size: int) -> int:
    """qbinom(p, size, 0.5) as R computes it, with exact integer arithmetic.

    P(X <= x) = sum(C(size, i), i <= x) / 2**size, so the comparison with a rational p
    is exact. Beyond _EXACT_LIMIT the big integers get slow and a log-space sum is used.
    """
    if size <= 0:
        return 0
    if size > _EXACT_LIMIT:
        return _qbinom_half_lgamma(float(p), size)
    target = p.numerator << size  # compare cum / 2**size >= num / den without division
    den = p.denominator
    cum = 0
    term = 1  # C(size, x)
    for x in range(size + 1):
        cum += term
        if cum * den >= target:
            return x
        term = term * (size - x) // (x + 1)
    return size


def _qbinom_half_lgamma(p: float, size: int) -> int:
    """The same search in log space (lgamma), for very large sizes. It starts 12 standard
    deviations below the mean, where the omitted lower tail is below 1e-32."""
    sd = math.sqrt(size) / 2
    start = max(0, int(size / 2 - 12 * sd))
    log_half_n = size * math.log(0.5)
    lg_n = math.lgamma(size + 1)
    log_p = math.log(p)
    acc = -math.inf
    for x in range(start, size + 1):
        lt = lg_n - math.lgamma(x + 1) - math.lgamma(size - x + 1) + log_half_n
        hi, lo = (acc, lt) if acc > lt else (lt, acc)
        acc = hi + math.log1p(math.exp(lo - hi)) if lo > -math.inf else hi
        if acc >= log_p:
            return x
    return size


def crossings_min(n_useful: int):
    """qbinom(0.05, n_useful - 1, 0.5); None when there are no useful points."""
    if n_useful <= 0:
        return None
    return qbinom_half(_P_FUZZED, n_useful - 1)


def longest_run_max(n_useful: int):
    """round(log2(n)) + 3; log2(n) is never exactly x.5 for integer n, so the rounding
    rule (R rounds half to even) never matters."""
    if n_useful <= 0:
        return None
    return int(round(math.log2(n_useful))) + 3


def runs_analysis(values, include, centre):
    """Anhøj runs analysis for each row.

    values (G, L): the plotted values; include (G, L): points taking part (not missing, not
    excluded); centre (G,): the centre line. Points exactly on the centre line are dropped
    (they neither break nor extend a run). Returns a list of dicts (one per row) with
    n_useful, longest_run, longest_run_max, crossings, crossings_min, signal.
    """
    g, w = values.shape
    if g == 0:
        return []
    with np.errstate(invalid="ignore"):
        s = sign(values - centre[:, None])
    s[~include] = 0
    useful = s != 0
    order, n_useful = compress(useful)
    s = take(s, order)
    s[~leading(n_useful, w)] = 0
    rl = run_lengths(s)
    longest = rl.max(axis=1) if w else np.zeros(g, dtype=np.int64)
    if w > 1:
        changes = ((s[:, 1:] != s[:, :-1]) & (s[:, 1:] != 0)).sum(axis=1)
    else:
        changes = np.zeros(g, dtype=np.int64)
    out = []
    for nu, lr, cr in zip(n_useful.tolist(), longest.tolist(), changes.tolist()):
        if nu == 0:
            out.append(
                {
                    "n_useful": 0,
                    "longest_run": None,
                    "longest_run_max": None,
                    "crossings": None,
                    "crossings_min": None,
                    "signal": False,
                }
            )
            continue
        lmax = longest_run_max(nu)
        cmin = crossings_min(nu)
        out.append(
            {
                "n_useful": nu,
                "longest_run": lr,
                "longest_run_max": lmax,
                "crossings": cr,
                "crossings_min": cmin,
                "signal": lr > lmax or cr < cmin,
            }
        )
    return out
