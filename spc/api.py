"""Python entry points; the CLI and Django views go through the same functions."""

import orjson

from . import funnel
from .engine import compute
from .errors import SpcInputError
from .request import _name, validate_batch
from .serialise import chunks


def _run(requests, batch, from_json=False):
    funnels = [i for i, r in enumerate(requests) if type(r) is dict and r.get("chart") == "funnel"]
    if not funnels:
        specs, flat, y, excluded, den = validate_batch(requests, batch, from_json)
        return chunks(compute(specs, flat, y, excluded, den), batch)
    return _run_with_funnels(requests, batch, from_json, funnels)


def _run_with_funnels(requests, batch, from_json, funnels):
    """Funnel requests (CONTRACTS.md §4) are few and small: validated first (each named by its
    place in the batch) and computed one by one; the other requests go through the batch
    engine together and the results are put back in input order."""
    done = {i: funnel.validate(requests[i], _name(batch, i)) for i in funnels}
    at = set(funnels)
    rest = [i for i in range(len(requests)) if i not in at]
    others = []
    if rest:
        specs, flat, y, excluded, den = validate_batch([requests[i] for i in rest], batch, from_json, names=rest)
        others = orjson.loads(b"".join(chunks(compute(specs, flat, y, excluded, den), True)))
    results = dict(zip(rest, others))
    results.update((i, funnel.analyse_funnel(*args)) for i, args in done.items())
    ordered = [results[i] for i in range(len(requests))]
    return iter([orjson.dumps(ordered if batch else ordered[0])])


def run_json(data):
    """bytes of a request (or a JSON array of requests) -> iterator of output bytes."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SpcInputError(f"input: malformed JSON: {exc}") from None
    if type(doc) is list:
        return _run(doc, batch=True, from_json=True)
    return _run([doc], batch=False, from_json=True)


def analyse(request):
    """One request (a dict) -> its result (a dict), exactly as `tandem spc` writes it."""
    return orjson.loads(b"".join(_run([request], batch=False)))


def analyse_batch(requests):
    """A list of requests -> the list of results, in order."""
    if type(requests) is not list:
        raise SpcInputError("request: expected a list of requests")
    return orjson.loads(b"".join(_run(requests, batch=True)))
