"""Request checks that apply to every page."""

from django.core.exceptions import BadRequest
from django.http import Http404

BIGGEST_ID = 2**63 - 1  # a database id (bigint); SQLite and PostgreSQL refuse anything larger


def _has_nul(querydict):
    for key, values in querydict.lists():
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            return True
    return False


class RejectNulMiddleware:
    """A NUL character in the query string or in form data answers 400 at once.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00) characters"),
    which would otherwise surface as a server error wherever the value reaches a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            raise BadRequest("The address holds a character that is not allowed (NUL)")
        content_type = request.META.get("CONTENT_TYPE", "")
        # Reading POST here is what CsrfViewMiddleware does anyway; uploaded files are not checked.
        form = content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
        if request.method == "POST" and form and _has_nul(request.POST):
            raise BadRequest("The form holds a character that is not allowed (NUL)")
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """An id in the address too large for any database row (/runs/99999…9/) is not found,
        rather than an overflow in the query."""
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not 0 <= value <= BIGGEST_ID:
                raise Http404("No such record")
        return None
