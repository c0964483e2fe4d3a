"""JSON output, assembled from byte fragments.

A 10,000 x 60 batch writes 600,000 point objects (about 110 MB). Building them as Python
dicts would cost more than the whole time budget, so the output is assembled instead:
every point is four fragments (`{"index":j,"value":` / the value / the group's centre and
limits / a pre-built tail for its side, outside, rule and type), laid out in one flat
list and joined in small chunks (one giant join is several times slower: it page-faults
a 100 MB buffer). Per-group and per-series fragments are built with element-wise `+` on
numpy object arrays. Floats come from orjson, which writes the shortest repr that
round-trips and turns NaN into null.
"""

import numpy as np
import orjson

from .engine import CHART_CODE
from .mdc import ASSURANCE_NAMES

CHART_NAMES = {code: name for name, code in CHART_CODE.items()}
RULES = (b"null", b'"outside"', b'"trend"', b'"two_in_three"', b'"shift"')
TYPES = (
    b"null",
    b'"common_cause"',
    b'"special_cause_improvement"',
    b'"special_cause_concern"',
    b'"special_cause_neutral_high"',
    b'"special_cause_neutral_low"',
    b'"special_cause"',
)
SIDES = (b"-1", b"0", b"1", b"null")  # indexed by side + 1 (side 2 = null)
BOOLS = (b"false", b"true", b"null")
TAILS = np.array(
    [
        b',"side":%s,"outside":%s,"rule":%s,"type":%s}' % (sd, o, ru, ty)
        for sd in SIDES
        for o in BOOLS[:2]
        for ru in RULES
        for ty in TYPES
    ],
    dtype=object,
)
CHUNK = 2048  # fragments per join: ~100 kB pieces stay on the malloc heap (no page faults)


def float_tokens(a):
    """JSON tokens of a float array (NaN -> null), as a list of bytes."""
    if len(a) == 0:
        return []
    return orjson.dumps(np.ascontiguousarray(a, dtype=np.float64), option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")


def value_tokens(flat):
    if not flat:
        return []
    return orjson.dumps(flat)[1:-1].split(b",")


def _prefixes(n):
    table = [b'{"index":%d,"value":' % j for j in range(n)]
    if n:
        table[1:] = [b"," + t for t in table[1:]]
    return np.array(table, dtype=object)


def _obj(items):
    return np.array(items, dtype=object) if len(items) else np.zeros(0, dtype=object)


def _k(text):
    """A constant fragment as a 0-d object array, so `+` concatenates element-wise."""
    return np.array(text, dtype=object)


def _int_tokens(a):
    return _obj(orjson.dumps(a.tolist())[1:-1].split(b",")) if len(a) else _obj([])


def _group_fragments(r):
    """(group JSON objects, per-group point middles) as object arrays, built with
    element-wise concatenation rather than a Python loop per group."""
    ng = len(r.g_start)
    ct = _obj(float_tokens(r.g_centre))
    lt = _obj(float_tokens(r.g_lower))
    ut = _obj(float_tokens(r.g_upper))
    runs = np.full(ng, b"null", dtype=object)
    for g, item in r.g_runs.items():
        runs[g] = orjson.dumps(item)
    shorts = _obj(BOOLS)[r.g_short] if ng else _obj([])
    limits = _k(b',"centre":') + ct + _k(b',"lower":') + lt + _k(b',"upper":') + ut
    gjson = (
        _k(b'{"first_index":')
        + _int_tokens(r.g_first)
        + _k(b',"n":')
        + _int_tokens(r.g_len)
        + limits
        + _k(b',"short":')
        + shorts
        + _k(b',"runs":')
        + runs
        + _k(b"}")
    )
    locals_ = _k(b',"group":') + _int_tokens(r.g_local)
    mids = locals_ + limits
    if r.point_lower is not None:  # p and u: limits vary by point, middles are per point
        mids = np.repeat(mids, r.g_len)
        vary = np.repeat(np.isin(r.g_chart, (CHART_CODE["p"], CHART_CODE["u"])), r.g_len)
        at = np.flatnonzero(vary)
        starts = np.repeat(locals_ + _k(b',"centre":') + ct + _k(b',"lower":'), r.g_len)[at]
        mids[at] = (
            starts + _obj(float_tokens(r.point_lower[at])) + _k(b',"upper":') + _obj(float_tokens(r.point_upper[at]))
        )
    elif len(mids):
        mids = np.repeat(mids, r.g_len)
    return gjson, mids


def _series_fragments(r, gjson, batch):
    """Per series: the head (chart, groups, opening of points) and the foot."""
    n_series = len(r.specs)
    names = _obj([b'{"chart":"%s","groups":[' % CHART_NAMES[c].encode() for c in range(len(CHART_NAMES))])
    one = r.s_ngroups == 1
    groups = np.full(n_series, b"", dtype=object)
    groups[one] = gjson[r.s_first_group[one]]
    for si in np.flatnonzero(r.s_ngroups > 1).tolist():
        f = int(r.s_first_group[si])
        groups[si] = b",".join(gjson[f : f + int(r.s_ngroups[si])].tolist())
    heads = names[r.s_chart] + groups + _k(b'],"points":[')
    if batch and n_series > 1:
        heads[1:] = _k(b",") + heads[1:]
    foot_of = _obj(
        [
            b'],"variation":%s,"assurance":%s,"ihi":' % (TYPES[v], b"null" if a is None else b'"%s"' % a.encode())
            for v in range(len(TYPES))
            for a in ASSURANCE_NAMES
        ]
    )
    ihi = np.full(n_series, b"null}", dtype=object)
    for si, item in r.ihi.items():
        ihi[si] = orjson.dumps(item) + b"}"
    feet = foot_of[r.variation.astype(np.int64) * len(ASSURANCE_NAMES) + r.assurance] + ihi
    return heads, feet


def chunks(r, batch):
    """Yield the output document in pieces (bytes).

    Every point is exactly four fragments, so the whole body is one flat list filled with
    four strided slice assignments. A series' head (chart, groups) rides on its first
    point's prefix and its foot (variation, assurance, ihi) on its last point's tail;
    series without points attach to the next series that has some (or to the end).
    """
    n_points = len(r.typ)
    ns, offsets = r.ns, r.offsets
    gjson, mids = _group_fragments(r)
    heads, feet = _series_fragments(r, gjson, batch)

    # prefixes: `{"index":j,"value":`, the head glued on at each series' first point
    nonempty = np.flatnonzero(ns)
    trailing = b""
    if len(nonempty) < len(ns):  # empty series ride on the next non-empty one
        whole = heads + feet
        lead = heads.copy()
        carry = b""
        for si in range(len(ns)):
            if ns[si]:
                lead[si] = carry + heads[si]
                carry = b""
            else:
                carry += whole[si]
        trailing = carry
        heads = lead
    if n_points:
        table = _prefixes(int(ns.max()))
        if (ns == ns[0]).all():
            prefixes = table[: int(ns[0])].tolist() * len(ns)
        else:
            prefixes = table[np.arange(n_points) - np.repeat(offsets, ns)].tolist()
        firsts = offsets[nonempty].tolist()
        for pos, head in zip(firsts, heads[nonempty].tolist()):
            prefixes[pos] = head + prefixes[pos]

        # values: the input tokens, or the plotted values where those differ (mr, p, u)
        values = value_tokens(r.flat)
        if r.value is not None:
            at = np.flatnonzero(r.value_override)
            for pos, tok in zip(at.tolist(), float_tokens(r.value[at])):
                values[pos] = tok

        codes = (((r.side.astype(np.int16) + 1) * 2 + r.outside) * 5 + r.rule) * 7 + r.typ
        tails = TAILS[codes]
        lasts = offsets[nonempty] + ns[nonempty] - 1
        tails[lasts] = tails[lasts] + feet[nonempty]

        body = [None] * (4 * n_points)
        body[0::4] = prefixes
        body[1::4] = values
        body[2::4] = mids.tolist()
        body[3::4] = tails.tolist()
    else:
        body = []

    if batch:
        yield b"["
    for k in range(0, len(body), CHUNK):
        yield b"".join(body[k : k + CHUNK])
    if trailing:
        yield trailing
    if batch:
        yield b"]"
