"""Shewhart charts and the run chart as qicharts2 0.8.1 computes them (`qic.*` helpers).

Each function takes a bucket of groups (arrays (G, L), one row per group) and returns the
plotted values, centre line and limits (limits (G,) or, for p and u, (G, L)).
"""

import numpy as np

from .mdc import SCREEN, mean_mr, moving_ranges
from .numeric import masked_mean, masked_sum

D2 = 1.128  # sigma = mean MR / d2


def run_centre(y, m):
    """Median of the masked values of each row (R's median: mean of the two middle values)."""
    g, w = y.shape
    z = np.sort(np.where(m, y, np.nan), axis=1)
    n = m.sum(axis=1)
    out = np.full(g, np.nan)
    if w == 0:
        return out
    half = n // 2
    odd = n % 2 == 1
    rows = np.arange(g)
    lo_idx = np.clip(np.where(odd, half, half - 1), 0, w - 1)
    hi_idx = np.clip(half, 0, w - 1)
    a = z[rows, lo_idx]
    b = z[rows, hi_idx]
    with np.errstate(invalid="ignore", over="ignore"):
        even_med = (a + b) / 2
        inf = np.isinf(even_med) & np.isfinite(a) & np.isfinite(b)
        even_med = np.where(inf, a / 2 + b / 2, even_med)
    out = np.where(odd, a, even_med)
    out[n == 0] = np.nan
    return out


def i_limits(y, incl, seq, base, screen):
    cl = masked_mean(y, incl & base)
    mr, ok = moving_ranges(y, seq & base, centre=cl)
    amr = mean_mr(mr, ok, screen)
    stdev = amr / D2
    return cl, cl - 3 * stdev, cl + 3 * stdev


def mr_values(y):
    """|y_i - y_(i-1)| between adjacent rows of the group; the first is missing."""
    v = np.full(y.shape, np.nan)
    if y.shape[1] > 1:
        v[:, 1:] = np.abs(y[:, 1:] - y[:, :-1])
    return v


def mr_limits(v, incl, base):
    cl = masked_mean(v, incl & base)
    return cl, np.zeros_like(cl), SCREEN * cl


def c_limits(y, incl, base):
    cl = masked_mean(y, incl & base)
    with np.errstate(invalid="ignore"):
        stdev = np.sqrt(cl)
        lcl = cl - 3 * stdev
        lcl = np.where(np.isfinite(lcl) & (lcl < 0), 0.0, lcl)
    return cl, lcl, cl + 3 * stdev


def ratio_centre(num, den, incl, base):
    m = incl & base
    with np.errstate(invalid="ignore", divide="ignore"):
        cl = masked_sum(num, m) / masked_sum(den, m)
    cl[m.sum(axis=1) == 0] = np.nan
    return cl


def p_limits(num, den, incl, base):
    cl = ratio_centre(num, den, incl, base)
    c = cl[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        stdev = np.sqrt(c * (1 - c) / den)
        ucl = c + 3 * stdev
        lcl = c - 3 * stdev
    ucl = np.where(np.isfinite(ucl) & (ucl > 1), 1.0, ucl)
    lcl = np.where(np.isfinite(lcl) & (lcl < 0), 0.0, lcl)
    return cl, lcl, ucl


def u_limits(num, den, incl, base):
    cl = ratio_centre(num, den, incl, base)
    c = cl[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        stdev = np.sqrt(c / den)
        ucl = c + 3 * stdev
        lcl = c - 3 * stdev
    lcl = np.where(np.isfinite(lcl) & (lcl < 0), 0.0, lcl)
    return cl, lcl, ucl
