"""Validation of `tandem spc` requests (CONTRACTS.md §1).

Every problem raises SpcInputError with one line naming the field, e.g.
`request[3].values[5]: expected a number or null`. Values are type-checked in bulk for the
whole batch (one C-level pass) and only re-scanned to name the culprit when that fails.
Unknown fields are ignored, so the contract can grow by optional fields.
"""

import itertools
import math

import numpy as np

from .errors import SpcInputError

CHARTS = ("xmr", "run", "i", "mr", "c", "p", "u", "funnel")  # funnel: spc.funnel (CONTRACTS.md §4)
_CHART_SET = frozenset(CHARTS[:-1])
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}
MIN_FIX_AFTER_XMR = 12  # NHSRplotthedots ptd_spc_options(): fix_after_n_points >= 12
_VALUE_TYPES = {int, float, type(None)}
_DATE_TYPES = {str, type(None)}


class Spec:
    """One validated request: options plus where its points sit in the flat batch arrays."""

    __slots__ = ("chart", "n", "offset", "direction", "screen", "starts", "k", "target", "rules")

    def __init__(self, chart, n, offset):
        self.chart = chart
        self.n = n
        self.offset = offset
        self.direction = 0
        self.screen = chart == "xmr"
        self.starts = (0,)
        self.k = None
        self.target = None
        self.rules = None


_MAX_FLOAT = 1.7976931348623157e308


class _Lazy:
    """The request's name for error messages, formatted only when one is raised."""

    __slots__ = ("batch", "i")

    def __init__(self, batch, i):
        self.batch, self.i = batch, i

    def __str__(self):
        return _name(self.batch, self.i)


class _Renamed:
    """Positions in a sub-batch -> their index in the whole batch (for error messages)."""

    __slots__ = ("names",)

    def __init__(self, names):
        self.names = names

    def __bool__(self):
        return True


def _is_number(x):
    """A finite JSON number (bool is not a number; ints must fit a float)."""
    t = type(x)
    if t is float:
        return math.isfinite(x)
    return t is int and -_MAX_FLOAT <= x <= _MAX_FLOAT


def _indices(value, field, n):
    if value is None:
        return ()
    if type(value) is not list:
        raise SpcInputError(f"{field}: expected a list of indices or null")
    for j, x in enumerate(value):
        if type(x) is not int:
            raise SpcInputError(f"{field}[{j}]: expected an integer index")
        if not 0 <= x < n:
            hint = f"0..{n - 1}" if n else "there are no points"
            raise SpcInputError(f"{field}[{j}]: index {x} out of range ({hint})")
    return value


def _first_bad_value(values):
    for j, v in enumerate(values):
        if type(v) not in _VALUE_TYPES:
            return j, "expected a number or null"
        if v is not None and not _is_number(v):
            return j, "expected a finite number or null"
    return None


def _name(batch, i):
    if type(batch) is _Renamed:
        return f"request[{batch.names[i]}]"
    return f"request[{i}]" if batch else "request"


def validate_batch(requests, batch, from_json=False, names=None):
    """Validate the requests; return (specs, flat_values, y, excluded, den).

    flat_values: every request's `values` concatenated (the original Python objects, so the
    output can echo them); y: the same as float64 with NaN for null; excluded: bool mask;
    den: float64 denominators (NaN where absent). `from_json`: the requests come from
    orjson, which never yields NaN, infinities or out-of-range numbers, so those checks
    are skipped. `names`: each request's index in the caller's whole batch, when these
    requests are part of one (error messages then name that index).
    """
    if names is not None and batch:
        batch = _Renamed(names)
    # bulk check of the values (the large part of any request)
    bad_req = None
    lists_ok = all(type(r) is dict and type(r.get("values")) is list for r in requests)
    flat = list(
        itertools.chain.from_iterable(
            r["values"] for r in requests if type(r) is dict and type(r.get("values")) is list
        )
    )
    y = None
    if lists_ok and set(map(type, flat)) <= _VALUE_TYPES:
        try:
            y = np.array(flat, dtype=np.float64) if flat else np.zeros(0)
        except OverflowError:  # an int beyond float range (only from Python callers)
            y = None
        if y is None or not from_json and (int(np.count_nonzero(np.isnan(y))) != flat.count(None) or np.isinf(y).any()):
            bad_req = _locate_bad_values(requests)
    else:
        bad_req = _locate_bad_values(requests)

    specs = []
    offset = 0
    excluded_at = []
    den_parts = []
    charts = _CHART_SET
    for i, req in enumerate(requests):
        if type(req) is not dict:
            raise SpcInputError(f"{_name(batch, i)}: expected an object")
        chart = req.get("chart")
        if type(chart) is not str or chart not in charts:
            if chart is None:
                raise SpcInputError(f"{_name(batch, i)}.chart: required")
            raise SpcInputError(f"{_name(batch, i)}.chart: expected one of {', '.join(CHARTS)}")
        values = req.get("values")
        if type(values) is not list:
            if values is None:
                raise SpcInputError(f"{_name(batch, i)}.values: required")
            raise SpcInputError(f"{_name(batch, i)}.values: expected a list of numbers or nulls")
        if bad_req is not None and bad_req[0] == i:
            raise SpcInputError(f"{_name(batch, i)}.values[{bad_req[1]}]: {bad_req[2]}")
        n = len(values)
        spec = Spec(chart, n, offset)
        if len(req) > 2:
            _validate_options(req, spec, batch, i, n, den_parts, excluded_at)
        elif chart in ("p", "u"):
            raise SpcInputError(f"{_name(batch, i)}.denominators: required for a {chart} chart")
        specs.append(spec)
        offset += n

    excluded = np.zeros(offset, dtype=bool)
    if excluded_at:
        excluded[np.fromiter(excluded_at, dtype=np.int64)] = True
    den = None
    if den_parts:
        den = np.full(offset, np.nan)
        for spec, arr in den_parts:
            den[spec.offset : spec.offset + spec.n] = arr
    return specs, flat, y, excluded, den


def _locate_bad_values(requests):
    for i, req in enumerate(requests):
        if type(req) is dict and type(req.get("values")) is list:
            bad = _first_bad_value(req["values"])
            if bad is not None:
                return (i, *bad)
    return None


def _validate_options(req, spec, batch, i, n, den_parts, excluded_at):
    get = req.get
    chart = spec.chart
    w = _Lazy(batch, i)

    dates = get("dates")
    if dates is not None:
        if type(dates) is not list:
            raise SpcInputError(f"{w}.dates: expected a list of strings or null")
        if len(dates) != n:
            raise SpcInputError(f"{w}.dates: has {len(dates)} items but values has {n}")
        if not set(map(type, dates)) <= _DATE_TYPES:
            j = next(j for j, d in enumerate(dates) if type(d) not in _DATE_TYPES)
            raise SpcInputError(f"{w}.dates[{j}]: expected a string or null")

    den = get("denominators")
    if chart in ("p", "u"):
        if den is None:
            raise SpcInputError(f"{w}.denominators: required for a {chart} chart")
        if type(den) is not list:
            raise SpcInputError(f"{w}.denominators: expected a list of numbers or nulls")
        if len(den) != n:
            raise SpcInputError(f"{w}.denominators: has {len(den)} items but values has {n}")
        for j, d in enumerate(den):
            if d is not None and not (_is_number(d) and d > 0):
                raise SpcInputError(f"{w}.denominators[{j}]: expected a positive number or null")
        den_parts.append((spec, np.array(den, dtype=np.float64)))
    elif den is not None:
        raise SpcInputError(f"{w}.denominators: only p and u charts take denominators")

    imp = get("improvement")
    if imp is not None:
        if type(imp) is not str or imp not in DIRECTIONS:
            raise SpcInputError(f"{w}.improvement: expected increase, decrease or neutral")
        spec.direction = DIRECTIONS[imp]

    screen = get("screen_outliers")
    if screen is not None:
        if type(screen) is not bool:
            raise SpcInputError(f"{w}.screen_outliers: expected true, false or null")
        spec.screen = screen

    rebase = get("rebase_at")
    if rebase:
        rebase = _indices(rebase, f"{w}.rebase_at", n)
        spec.starts = tuple(sorted(set(rebase) | {0}))
    elif rebase is not None and type(rebase) is not list:
        raise SpcInputError(f"{w}.rebase_at: expected a list of indices or null")

    k = get("baseline_points")
    if k is not None:
        if type(k) is not int:
            raise SpcInputError(f"{w}.baseline_points: expected an integer or null")
        if chart == "xmr" and k < MIN_FIX_AFTER_XMR:
            raise SpcInputError(f"{w}.baseline_points: must be at least {MIN_FIX_AFTER_XMR} for an xmr chart")
        if k < 1:
            raise SpcInputError(f"{w}.baseline_points: must be at least 1")
        spec.k = k

    exclude = get("exclude")
    if exclude:
        exclude = _indices(exclude, f"{w}.exclude", n)
        off = spec.offset
        excluded_at.extend(off + j for j in exclude)
    elif exclude is not None and type(exclude) is not list:
        raise SpcInputError(f"{w}.exclude: expected a list of indices or null")

    target = get("target")
    if target is not None:
        if not _is_number(target):
            raise SpcInputError(f"{w}.target: expected a number or null")
        spec.target = float(target)

    rules = get("rules")
    if rules is not None:
        allowed = {"run": ("anhoej", "ihi"), "xmr": ()}.get(chart, ("anhoej",))
        if type(rules) is not str or rules not in allowed:
            if not allowed:
                raise SpcInputError(f"{w}.rules: must be null for an xmr chart (MDC rules)")
            raise SpcInputError(f"{w}.rules: expected {' or '.join(allowed)} for a {chart} chart")
        spec.rules = rules
