"""NHS England "Making Data Count" XmR chart, as NHSRplotthedots 0.2.2 computes it.

Limits: `ptd_spc_standard.R`; rules and point types: `ptd_calculate_point_type.R`. Each
function works on a bucket of groups: arrays of shape (G, L), one row per group.
"""

import numpy as np

from .numeric import compress, leading, masked_mean, scatter, sign, take, widen_back, window_all

LIMIT = 2.66  # exactly 2.66, not 3 / 1.128
LIMIT_CLOSE = 2 * (LIMIT / 3)  # same float operations as R: 2 * (limit / 3)
SCREEN = 3.267  # moving ranges >= 3.267 x mean MR are screened out (one pass)
RUN = 7  # shift and trend length

# rule codes (precedence order) and type codes used across the package
R_NONE, R_OUTSIDE, R_TREND, R_TWO_IN_THREE, R_SHIFT = 0, 1, 2, 3, 4
T_NULL, T_COMMON, T_IMPROVEMENT, T_CONCERN, T_NEUTRAL_HIGH, T_NEUTRAL_LOW, T_SPECIAL = range(7)
SIDE_NULL = 2


def moving_ranges(y, seq, centre=None):
    """Moving ranges over the rows in `seq` (baseline rows that are not excluded).

    Excluded rows are dropped before the differences (an MR may span one, as in qicharts2);
    a missing value (NaN) makes both of its MRs missing, as in both references.
    With `centre`, differences are taken of y - centre (qicharts2's I chart does that).
    Returns (mr, ok) of shape (G, L - 1); mr is 0 where not ok.
    """
    g, w = y.shape
    if w < 2:
        return np.zeros((g, 0)), np.zeros((g, 0), dtype=bool)
    count = seq.sum(axis=1)
    lead = leading(count, w)
    if (seq == lead).all():  # nothing excluded inside the baseline: no reordering needed
        ys = y if seq.all() else np.where(lead, y, np.nan)
    else:
        order, _ = compress(seq)
        ys = take(y, order)
        ys[~lead] = np.nan
    if centre is not None:
        ys = ys - centre[:, None]
    mr = np.abs(ys[:, 1:] - ys[:, :-1])
    ok = ~np.isnan(mr)
    if not ok.all():
        mr[~ok] = 0.0
    return mr, ok


def mean_mr(mr, ok, screen):
    """Mean moving range, screened once (MR < 3.267 x mean MR kept) where `screen` is set."""
    amr = masked_mean(mr, ok)
    if screen.any():
        with np.errstate(invalid="ignore"):
            keep = ok & (mr < (SCREEN * amr)[:, None])
        # only rows that actually lose a moving range need the second mean. A mean MR of 0
        # (all values equal) is left alone: "MR < 0" would drop every MR and leave no
        # limits at all (NaN in R); there is no outlier to screen.
        redo = np.flatnonzero(screen & (amr > 0) & (keep != ok).any(axis=1))
        if len(redo):
            amr[redo] = masked_mean(mr[redo], keep[redo])
    return amr


def xmr_limits(y, incl, seq, base, screen):
    """Centre and limits per group.

    incl: not missing and not excluded; seq: rows not excluded (missing kept, as NaN);
    base: the first k rows of the group ("fix after n points"). The mean always includes
    outliers; screening only touches the moving ranges.
    """
    mean = masked_mean(y, incl & base)
    mr, ok = moving_ranges(y, seq & base)
    amr = mean_mr(mr, ok, screen)
    return {
        "centre": mean,
        "lower": mean - (LIMIT * amr),
        "upper": mean + (LIMIT * amr),
        "near_lower": mean - (LIMIT_CLOSE * amr),
        "near_upper": mean + (LIMIT_CLOSE * amr),
    }


# ---- rule primitives, on compressed sequences (the references' own functions) ----


def seven_point_one_side(side):
    """+1 / -1 at the 7th and later points of a run of equal non-zero sides
    (ptd_seven_point_one_side_mean); a point on the mean (0) breaks the run."""
    return window_all(side == 1, RUN).astype(np.int8) - window_all(side == -1, RUN).astype(np.int8)


def seven_point_trend(y):
    """+1 / -1 at the point completing 7 strictly rising / falling points
    (ptd_seven_point_trend); a tie (diff 0) breaks the trend."""
    g, w = y.shape
    out = np.zeros((g, w), dtype=np.int8)
    if w < RUN:
        return out
    with np.errstate(invalid="ignore"):
        d = y[:, 1:] - y[:, :-1]
        out[:, 1:] = window_all(d > 0, RUN - 1).astype(np.int8) - window_all(d < 0, RUN - 1).astype(np.int8)
    return out


def two_in_three(close, side):
    """A point lies in some window of 3 with >= 2 close-to-limit points, all 3 strictly on
    one side of the mean (ptd_two_in_three, with the fix for issue #143)."""
    g, w = close.shape
    flag = np.zeros((g, w), dtype=bool)
    if w < 3:
        return flag
    c = close.astype(np.int8)
    csum = c[:, :-2] + c[:, 1:-1] + c[:, 2:]
    ssum = side[:, :-2] + side[:, 1:-1] + side[:, 2:]  # int8: |sum| <= 3
    win = (csum >= 2) & ((ssum == 3) | (ssum == -3))
    flag[:, :-2] |= win
    flag[:, 1:-1] |= win
    flag[:, 2:] |= win
    return flag


def trend_direction(y, part_trend):
    """Direction label of each trend point: the diff on its right when the next point is
    also part of a trend, else the diff on its left. As in the reference, anything but a
    rising diff reads "Decreasing" (a tie between two back-to-back trends does that)."""
    g, w = y.shape
    with np.errstate(invalid="ignore"):
        rising = y[:, 1:] > y[:, :-1]
    left = np.zeros((g, w), dtype=bool)
    right = np.zeros((g, w), dtype=bool)
    if w > 1:
        left[:, 1:] = rising
        right[:, :-1] = rising
        right[:, -1] = rising[:, -1]
    nxt = np.zeros((g, w), dtype=bool)
    nxt[:, :-1] = part_trend[:, 1:]
    return np.where(np.where(part_trend & nxt, right, left), 1, -1).astype(np.int8)


# point type, indexed by (label sign + 1) * 3 + (improvement direction + 1)
_TYPE_OF = np.array(
    [
        T_IMPROVEMENT,
        T_NEUTRAL_LOW,
        T_CONCERN,  # label -1 (Below / Decreasing); dir -1, 0, +1
        T_COMMON,
        T_COMMON,
        T_COMMON,  # no special cause
        T_CONCERN,
        T_NEUTRAL_HIGH,
        T_IMPROVEMENT,  # label +1 (Above / Increasing)
    ],
    dtype=np.int8,
)


def xmr_points(y, valid, incl, lim, direction):
    """Side, outside, rule and type codes of every point (arrays (G, L)).

    Rules run on the included points only (missing and excluded points are skipped, so
    they neither break nor extend a run); an excluded point is still judged against the
    limits (outside), as qicharts2 does.
    """
    g, w = y.shape
    centre = lim["centre"][:, None]
    with np.errstate(invalid="ignore"):
        raw_side = sign(y - centre)
        outside = (y > lim["upper"][:, None]) | (y < lim["lower"][:, None])
        close = ~outside & ((y < lim["near_lower"][:, None]) | (y > lim["near_upper"][:, None]))
    has_side = valid & ~np.isnan(centre)
    side = np.where(has_side, raw_side, np.int8(SIDE_NULL))

    # rules run on each row's included points; when those already come first (no gap
    # before the end of the row) no reordering is needed
    count = incl.sum(axis=1)
    lead = leading(count, w)
    packed = not (incl == lead).all()
    if packed:
        order, _ = compress(incl)
        yc = take(y, order)
        yc[~lead] = np.nan
        sc = take(np.where(has_side, raw_side, np.int8(0)), order)
        sc[~lead] = 0
        cc = take(close, order) & lead
        oc = take(outside, order) & lead
    elif incl.all() and has_side.all():
        yc, sc, cc, oc = y, raw_side, close, outside
    else:
        yc = np.where(lead, y, np.nan)
        sc = np.where(lead & has_side, raw_side, np.int8(0))
        cc = close & lead
        oc = outside & lead

    part_shift = widen_back(seven_point_one_side(sc) != 0, RUN)
    part_trend = widen_back(seven_point_trend(yc) != 0, RUN)
    part_2in3 = two_in_three(cc, sc) & cc

    i8 = np.int8
    rule = np.where(
        oc,
        i8(R_OUTSIDE),
        np.where(
            part_trend,
            i8(R_TREND),
            np.where(part_2in3, i8(R_TWO_IN_THREE), np.where(part_shift, i8(R_SHIFT), i8(R_NONE))),
        ),
    )
    # label sign: Above / Increasing = +1, Below / Decreasing = -1
    label = np.where(sc > 0, i8(1), i8(-1))
    if part_trend.any():
        label = np.where(rule == R_TREND, trend_direction(yc, part_trend), label)
    label[rule == R_NONE] = 0

    if packed:
        rule = scatter(rule, order, R_NONE)
        label = scatter(label, order, 0)
    # excluded (valid, not included) points: only the outside-limits rule applies
    excl = valid & ~incl
    if excl.any():
        rule[excl] = np.where(outside[excl], i8(R_OUTSIDE), i8(R_NONE))
        label[excl] = np.where(outside[excl], np.where(raw_side[excl] == 1, i8(1), i8(-1)), i8(0))

    typ = _TYPE_OF[(label + 1) * 3 + (direction[:, None] + 1)]
    if not valid.all():
        typ[~valid] = T_NULL
    return side, outside & valid, rule, typ


ASSURANCE_NAMES = (None, "pass", "fail", "inconsistent")  # codes 0..3


def assurance_codes(direction, target, lower, upper):
    """MDC assurance against the last group's limits (ptd_calculate_assurance_type.R),
    as codes into ASSURANCE_NAMES; arrays of one entry per series.

    Strict comparisons: a target above the upper limit can never be reached (increase:
    fail) or is always met (decrease: pass), and mirror-wise below the lower limit.
    0 (null) without a target, for a neutral direction, or where the limits are undefined.
    """
    direction = np.asarray(direction)
    target = np.asarray(target, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        above = target > upper
        below = target < lower
    code = np.where(above, np.where(direction > 0, 2, 1), np.where(below, np.where(direction > 0, 1, 2), 3))
    undefined = (direction == 0) | np.isnan(target) | np.isnan(lower) | np.isnan(upper)
    return np.where(undefined, 0, code).astype(np.int8)


def assurance(direction, target, lower, upper):
    """assurance_codes() for one series, as its name (or None)."""
    t = np.nan if target is None else target
    return ASSURANCE_NAMES[int(assurance_codes([direction], [t], [lower], [upper])[0])]
