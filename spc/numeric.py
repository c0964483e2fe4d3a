"""Vectorised numeric primitives shared by every chart.

Everything works on 2-D arrays, one row per group of points (a "bucket" of groups of equal
padded length), so that a batch of thousands of series costs a few dozen numpy calls.

Means are computed in double-double arithmetic and then rounded once, i.e. (nearly always)
the correctly rounded mean. R's `mean()` gets the same answer (long-double sum plus a
correction pass), and "exactly on the mean" depends on it: a naive float sum can be 1 ulp
off and flip a point's side.
"""

import numpy as np

_SPLITTER = 134217729.0  # 2**27 + 1, Dekker's split for exact products


_CASCADE_MAX = 256  # widths up to this sum column by column, wider ones pairwise


def dd_sum(x):
    """Row sums of `x` (G, L) as double-double (hi, lo); `x` must hold no NaN.

    TwoSum (Knuth) keeps every rounding error exactly and accumulates the errors apart, so
    hi + lo is as if summed in twice the working precision (Ogita, Rump & Oishi's Sum2).
    Narrow buckets (the usual series) go column by column over a transposed copy: a few
    hundred numpy calls on contiguous vectors, whatever the number of rows. Wide ones
    (long series) add neighbouring columns pairwise instead, log2(L) rounds. The choice
    depends on the width only, so a series gets the same sum alone or in any batch.
    """
    g, w = x.shape
    if w == 0:
        return np.zeros(g), np.zeros(g)
    if w > _CASCADE_MAX:
        return _dd_sum_pairwise(x)
    xt = np.ascontiguousarray(x.T)
    s = xt[0].copy()
    c = np.zeros(g)
    for j in range(1, w):
        a = xt[j]
        t = s + a
        bp = t - s
        c += (s - (t - bp)) + (a - bp)
        s = t
    hi = s + c
    return hi, c - (hi - s)


def _dd_sum_pairwise(x):
    g = x.shape[0]
    s = x
    c = np.zeros_like(x)
    while s.shape[1] > 1:
        if s.shape[1] % 2:
            s = np.concatenate([s, np.zeros((g, 1))], axis=1)
            c = np.concatenate([c, np.zeros((g, 1))], axis=1)
        a = s[:, 0::2]
        b = s[:, 1::2]
        t = a + b
        bp = t - a
        c = c[:, 0::2] + c[:, 1::2] + ((a - (t - bp)) + (b - bp))
        s = t
    s, c = s[:, 0], c[:, 0]
    hi = s + c
    return hi, c - (hi - s)


def _two_prod(a, b):
    p = a * b
    t = _SPLITTER * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLITTER * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def dd_div(hi, lo, n):
    """(hi + lo) / n rounded once (n a positive count); NaN where n == 0."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = hi / n
        p, e = _two_prod(q, n)
        r = ((hi - p) - e) + lo
        q = q + r / n
    q[n == 0] = np.nan
    return q


def masked_mean(x, m):
    """Row means of x over mask m (NaN where the mask is empty)."""
    hi, lo = dd_sum(np.where(m, x, 0.0))
    return dd_div(hi, lo, m.sum(axis=1))


def masked_sum(x, m):
    """Row sums of x over mask m, rounded once (R's long-double `sum` gives the same)."""
    hi, lo = dd_sum(np.where(m, x, 0.0))
    return hi + lo


def compress(mask):
    """Per row, the column order that puts the True entries first, in their original order.

    Returns (order, count). Rules and runs are evaluated on these compressed sequences, so
    that missing and excluded points neither break nor extend a run or a trend.
    """
    count = mask.sum(axis=1)
    order = np.argsort(~mask, axis=1, kind="stable")
    return order, count


def take(x, order):
    return np.take_along_axis(x, order, axis=1)


def scatter(values, order, fill):
    """Inverse of take(): out[row, order[row, j]] = values[row, j]."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    np.put_along_axis(out, order, values, axis=1)
    return out


def leading(count, width):
    """Mask of the first `count[row]` columns of each row."""
    return np.arange(width)[None, :] < np.asarray(count)[:, None]


def run_lengths(s):
    """Length of the run of equal non-zero values ending at each position (0 where s == 0)."""
    g, w = s.shape
    idx = np.arange(w)
    brk = np.ones((g, w), dtype=bool)
    if w > 1:
        brk[:, 1:] = s[:, 1:] != s[:, :-1]
    start = np.where(brk, idx, 0)
    np.maximum.accumulate(start, axis=1, out=start)
    rl = idx - start + 1
    rl[s == 0] = 0
    return rl


def window_all(b, width):
    """out[i] = all(b[i - width + 1 : i + 1]); False for the first width - 1 positions."""
    out = b.copy()
    w = b.shape[1]
    for k in range(1, min(width, w)):
        out[:, k:] &= b[:, :-k]
    out[:, : width - 1] = False
    return out


def widen_back(marker, width):
    """flag[i] = any(marker[i : i + width]): widen an end-of-run marker back over the run."""
    flag = marker.copy()
    w = marker.shape[1]
    for k in range(1, min(width, w)):
        flag[:, :-k] |= marker[:, k:]
    return flag


def sign(x):
    """sign() as int8, 0 where x is NaN (callers mask NaN positions themselves)."""
    return np.greater(x, 0).astype(np.int8) - np.less(x, 0).astype(np.int8)
