"""Python entry points; the CLI and Django views go through the same functions."""

import orjson

from .engine import compute
from .errors import SpcInputError
from .request import validate_batch
from .serialise import chunks


def _run(requests, batch, from_json=False):
    specs, flat, y, excluded, den = validate_batch(requests, batch, from_json)
    return chunks(compute(specs, flat, y, excluded, den), batch)


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
