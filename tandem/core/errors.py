"""Error pages (400, 403, 404, 500 and a refused CSRF token) as NHS.UK pages with a way back.

Django calls these handlers (tandem/urls.py handler400 … handler500) when DEBUG is false, as in
production. The 500 page must not fail itself: it never touches the database (no user, no
navigation) and falls back to a plain page if rendering fails."""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger(__name__)

PAGES = {
    400: (
        "There is a problem with the request",
        (
            "The address or the form you sent held something Tandem cannot use, such as a number that "
            "is not a whole number or a character that is not allowed. Nothing was changed."
        ),
    ),
    403: (
        "You do not have access to this page",
        "Your role in Tandem does not include this page or action. If you think it should, ask a College admin.",
    ),
    404: (
        "Page not found",
        (
            "If you typed the web address, check it is correct. If you pasted the web address, check you "
            "copied the entire address. The page may also be one you cannot see with your role."
        ),
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. If you were saving something, check whether it was saved before you try again.",
    ),
}
CSRF_TEXT = (
    "The form had expired or came from another site, so nothing was saved. Go back, reload the page "
    "and try again. Your browser must accept cookies from Tandem."
)


def _back_url(request):
    """Where the user came from, when that is a page of this site."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def render_error(request, status, *, text=None, plain=False):
    title, default_text = PAGES[status]
    context = {"title": title, "status": status, "text": text or default_text, "plain": plain}
    try:
        context["back_url"] = _back_url(request)
    except Exception:  # noqa: BLE001 - a bad Host header must not break the error page
        context["back_url"] = ""
    try:
        html = render_to_string("errors/error.jinja", context, request=request)
    except Exception:
        log.exception("The %s error page could not be rendered", status)
        html = (
            f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title} – Tandem</title>'
            f'</head><body><h1>{title}</h1><p>{context["text"]}</p><p><a href="/">Go to the dashboard</a></p>'
            "</body></html>"
        )
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return render_error(request, 400)


def permission_denied(request, exception=None):
    return render_error(request, 403)


def page_not_found(request, exception=None):
    return render_error(request, 404)


def server_error(request):
    return render_error(request, 500, plain=True)


def csrf_failure(request, reason=""):
    return render_error(request, 403, text=CSRF_TEXT)
