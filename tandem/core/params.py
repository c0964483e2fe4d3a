"""Numbers read from the query string or a form, checked before they reach the database.

`"²".isdigit()` is True but `int("²")` fails, and a 30-digit number overflows the database's
integer columns: both used to end in a server error. Every id taken from `request.GET` or
`request.POST` goes through `parse_id` / `parse_ids`; a bad one answers 400 (BadRequest), or is
treated as absent where the caller asks for that (`optional=True`)."""

import re

from django.core.exceptions import BadRequest
from django.utils.http import url_has_allowed_host_and_scheme

# ASCII digits only (str.isdigit() and int() accept other scripts' digits and superscripts),
# at most 18 of them: every id fits a signed 64-bit integer column.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value, *, name="id", optional=False):
    """The whole number in `value`, or None when it is empty. A value that is not a plain
    number of at most 18 ASCII digits raises BadRequest (or gives None with optional=True)."""
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return None
    if not _ID.fullmatch(text):
        if optional:
            return None
        raise BadRequest(f"{name} must be a whole number")
    return int(text)


def parse_ids(values, *, name="ids"):
    """Each of `values` (e.g. request.POST.getlist("ids")) as an int; empty ones are skipped,
    a bad one raises BadRequest."""
    ids = []
    for value in values:
        parsed = parse_id(value, name=name)
        if parsed is not None:
            ids.append(parsed)
    return ids


def next_url(request, default):
    """The `next` address a form or link carries (POST, then GET), when it is on this site;
    else `default` (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
