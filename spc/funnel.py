"""Funnel plots: a proportion compared across units of different size (CONTRACTS.md §4).

Exact binomial limits with interpolation (Spiegelhalter 2005, Statistics in Medicine
24:1185, appendix A.1.1). For a unit of size n, target θ and tail probability p, with F the
binomial(n, θ) distribution function and r_p the smallest whole r with F(r) >= p:

    α = (F(r_p) − p) / (F(r_p) − F(r_p − 1))      (F(−1) = 0)
    limit = (r_p − α) / n, clipped to [0, 1]

A level L gives the lower limit at p = (1 − L) / 2 and the upper at p = (1 + L) / 2.

Precision (no scipy): the probability at the mode comes from Loader's saddle-point
algorithm (as R's dbinom: relative error near 1e-15 for any n); the other probabilities by
the ratio recurrence out from the mode, in numpy. The lower tail is summed from its small
end (F(r)) and the upper tail from its own small end (1 − F(r)), so neither tail loses its
digits to cancellation against 1: the upper limit uses F(r) >= (1 + L)/2  <=>
1 − F(r) <= (1 − L)/2, and F(r) − p = (1 − L)/2 − (1 − F(r)). Terms further than 40
standard deviations (+60) from the mode are below 1e-300 of the largest and left out. The
interpolated limit is continuous in p, so a rounding that moves r_p by one at a tie moves the
limit by a rounding error only. Pure Python + numpy, no Django.
"""

import math

import numpy as np

from .errors import SpcInputError

DEFAULT_LEVELS = (0.95, 0.998)
MAX_DENOMINATOR = 10**9  # keeps a unit's probability window to a few MB
DIRECTIONS = ("increase", "decrease", "neutral")

# --- Loader's binomial probability (as R's dbinom_raw) ------------------------------------

_LN_2PI = math.log(2 * math.pi)
_S0, _S1, _S2, _S3, _S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188


def _stirlerr(n):
    """log(n!) − log(sqrt(2πn) (n/e)^n) for a whole n >= 1."""
    if n <= 15:
        return math.lgamma(n + 1.0) - (n + 0.5) * math.log(n) + n - 0.5 * _LN_2PI
    nn = float(n) * n
    if n > 500:
        return (_S0 - _S1 / nn) / n
    if n > 80:
        return (_S0 - (_S1 - _S2 / nn) / nn) / n
    if n > 35:
        return (_S0 - (_S1 - (_S2 - _S3 / nn) / nn) / nn) / n
    return (_S0 - (_S1 - (_S2 - (_S3 - _S4 / nn) / nn) / nn) / nn) / n


def _bd0(x, np_):
    """x log(x / np) + np − x, without cancellation when x is close to np."""
    if abs(x - np_) < 0.1 * (x + np_):
        v = (x - np_) / (x + np_)
        s = (x - np_) * v
        ej = 2 * x * v
        v *= v
        j = 1
        while True:
            ej *= v
            s1 = s + ej / (2 * j + 1)
            if s1 == s:
                return s1
            s = s1
            j += 1
    return x * math.log(x / np_) + np_ - x


def binom_pmf(k, n, p):
    """P(X = k) for X ~ binomial(n, p), 0 < p < 1, 0 <= k <= n (Loader 2000)."""
    q = 1.0 - p
    if k == 0:
        return math.exp(-_bd0(n, n * q) - n * p if p < 0.1 else n * math.log1p(-p))
    if k == n:
        return math.exp(-_bd0(n, n * p) - n * q if q < 0.1 else n * math.log(p))
    lc = _stirlerr(n) - _stirlerr(k) - _stirlerr(n - k) - _bd0(k, n * p) - _bd0(n - k, n * q)
    lf = _LN_2PI + math.log(k) + math.log1p(-k / n)
    return math.exp(lc - 0.5 * lf)


class _Distribution:
    """binomial(n, θ) probabilities over the window [lo, hi] that holds all but < 1e-300."""

    def __init__(self, n, theta):
        self.n = n
        mode = min(n, math.floor((n + 1) * theta))
        width = int(40 * math.sqrt(n * theta * (1 - theta))) + 60
        lo, hi = max(0, mode - width), min(n, mode + width)
        odds = theta / (1 - theta)
        peak = binom_pmf(mode, n, theta)
        k = np.arange(lo, hi + 1, dtype=np.float64)
        i = mode - lo
        pmf = np.empty(len(k))
        pmf[i] = peak
        # downwards: pmf(k−1) = pmf(k) · k / ((n − k + 1) · odds)
        down = k[1 : i + 1][::-1] / ((n - k[1 : i + 1][::-1] + 1) * odds)
        pmf[:i] = (peak * np.cumprod(down))[::-1]
        # upwards: pmf(k+1) = pmf(k) · (n − k) · odds / (k + 1)
        up = (n - k[i:-1]) * odds / (k[i:-1] + 1)
        pmf[i + 1 :] = peak * np.cumprod(up)
        self.lo = lo
        self.pmf = pmf
        self.lower_cdf = np.cumsum(pmf)  # F(lo + j)
        self.upper_sf = np.append(np.cumsum(pmf[::-1])[::-1][1:], 0.0)  # 1 − F(lo + j)

    def lower_limit(self, tail):
        """The interpolated quantile at p = tail (small), as a count."""
        j = int(np.searchsorted(self.lower_cdf, tail, side="left"))  # first F >= tail
        j = min(j, len(self.pmf) - 1)
        alpha = (self.lower_cdf[j] - tail) / self.pmf[j]
        return self.lo + j - alpha

    def upper_limit(self, tail):
        """The interpolated quantile at p = 1 − tail (tail small), as a count."""
        sf = self.upper_sf  # non-increasing; first j with sf[j] <= tail
        j = int(np.searchsorted(-sf, -tail, side="left"))
        j = min(j, len(self.pmf) - 1)
        alpha = (tail - sf[j]) / self.pmf[j]
        return self.lo + j - alpha


def _clip(x):
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else float(x)


def limits(n, theta, levels):
    """[(lower, upper)] proportions for a unit of size n, one pair per level."""
    dist = _Distribution(n, theta)
    out = []
    for level in levels:
        tail = (1.0 - level) / 2.0
        out.append((_clip(dist.lower_limit(tail) / n), _clip(dist.upper_limit(tail) / n)))
    return out


# --- Requests ----------------------------------------------------------------------------


def _whole(x):
    if type(x) is int:
        return x
    if type(x) is float and math.isfinite(x) and x.is_integer():
        return int(x)
    return None


def _fraction(x):
    """A number strictly between 0 and 1, or None."""
    if type(x) in (int, float) and math.isfinite(x) and 0 < x < 1:
        return float(x)
    return None


def validate(req, name):
    """A funnel request (a dict) -> (units, target or None, levels, improvement).

    units: [(id, numerator, denominator)]. Raises SpcInputError naming the field."""
    units = req.get("units")
    if units is None:
        raise SpcInputError(f"{name}.units: required for a funnel chart")
    if type(units) is not list:
        raise SpcInputError(f"{name}.units: expected a list of units")
    if not units:
        raise SpcInputError(f"{name}.units: at least one unit is needed")
    seen = set()
    out = []
    for j, unit in enumerate(units):
        where = f"{name}.units[{j}]"
        if type(unit) is not dict:
            raise SpcInputError(f"{where}: expected an object with id, numerator and denominator")
        uid = unit.get("id")
        if type(uid) is not str or not uid:
            raise SpcInputError(f"{where}.id: expected a non-empty string")
        if uid in seen:
            raise SpcInputError(f"{where}.id: {uid!r} is used by an earlier unit (ids must be unique)")
        seen.add(uid)
        num, den = _whole(unit.get("numerator")), _whole(unit.get("denominator"))
        if den is None:
            raise SpcInputError(f"{where}.denominator: expected a whole number")
        if not 1 <= den <= MAX_DENOMINATOR:
            raise SpcInputError(f"{where}.denominator: must be between 1 and {MAX_DENOMINATOR}")
        if num is None:
            raise SpcInputError(f"{where}.numerator: expected a whole number")
        if not 0 <= num <= den:
            raise SpcInputError(f"{where}.numerator: must be between 0 and the denominator ({den})")
        out.append((uid, num, den))

    levels = req.get("levels")
    if levels is None:
        levels = list(DEFAULT_LEVELS)
    else:
        if type(levels) is not list or not levels:
            raise SpcInputError(f"{name}.levels: expected a non-empty list of numbers")
        for j, level in enumerate(levels):
            if _fraction(level) is None:
                raise SpcInputError(f"{name}.levels[{j}]: expected a number strictly between 0 and 1")
        levels = [float(x) for x in levels]

    imp = req.get("improvement")
    if imp is None:
        imp = "neutral"
    elif type(imp) is not str or imp not in DIRECTIONS:
        raise SpcInputError(f"{name}.improvement: expected increase, decrease or neutral")

    target = req.get("target")
    if target is not None:
        if _fraction(target) is None:
            raise SpcInputError(f"{name}.target: expected a number strictly between 0 and 1, or null")
        target = float(target)
    else:
        total_num = sum(u[1] for u in out)
        total_den = sum(u[2] for u in out)
        if total_num == 0 or total_num == total_den:
            pooled = "0" if total_num == 0 else "1"
            raise SpcInputError(
                f"{name}.target: the pooled proportion is {pooled}; give a target strictly between 0 and 1"
            )
        target = total_num / total_den
    return out, target, levels, imp


def analyse_funnel(units, target, levels, improvement):
    """The result dict of CONTRACTS.md §4 for validated input."""
    top = max(levels)
    cache = {}
    rows = []
    for uid, num, den in units:
        if den not in cache:
            cache[den] = limits(den, target, levels)
        pairs = cache[den]
        prop = num / den
        outside = None
        for level, (lo, hi) in zip(levels, pairs):
            if (prop < lo or prop > hi) and (outside is None or level > outside):
                outside = level
        typ = "common_cause"
        if outside is not None and outside == top:
            lo, hi = pairs[levels.index(top)]
            high = prop > hi
            if improvement == "neutral":
                typ = "special_cause_neutral_high" if high else "special_cause_neutral_low"
            else:
                good = high == (improvement == "increase")
                typ = "special_cause_improvement" if good else "special_cause_concern"
        rows.append(
            {
                "id": uid,
                "numerator": num,
                "denominator": den,
                "proportion": prop,
                "limits": [{"level": level, "lower": lo, "upper": hi} for level, (lo, hi) in zip(levels, pairs)],
                "outside": outside,
                "type": typ,
            }
        )
    return {"chart": "funnel", "target": target, "units": rows}


def run(req, name):
    return analyse_funnel(*validate(req, name))
