"""The address a request came from, for the public forms' rate limit and the sign-in records
(django-axes: settings.AXES_CLIENT_IP_CALLABLE).

Behind a reverse proxy every request reaches gunicorn from the proxy (127.0.0.1 behind the nginx
of docs/deployment.md). With TRUSTED_PROXY_COUNT=N (the number of proxies in front of Tandem that
each set or append to X-Forwarded-For), the client is the Nth address from the right of
X-Forwarded-For: the one the outermost trusted proxy saw. Addresses further left were written by
the client and are never believed. With 0 (the default, no proxy) X-Forwarded-For is ignored.
"""

import ipaddress

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            # Fewer addresses than proxies: a proxy overwrote the header (nginx's
            # `proxy_set_header X-Forwarded-For $remote_addr`); the leftmost is then the client.
            address = _valid(forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0])
            if address:
                return address
    # None where there is no real address (a test client's force_login, a broken proxy): axes
    # stores it as NULL; PostgreSQL's inet column would refuse a placeholder word.
    return _valid(remote)


def rate_limit_key(group, request):
    """django-ratelimit's key: the client's address; an IPv6 client by its /64 network (one
    household or device usually has a whole /64)."""
    address = client_ip(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return address


def public_form_rate(group, request):
    """django-ratelimit's rate, read at each request (settings.PUBLIC_FORM_RATE, e.g. "5/h")."""
    return settings.PUBLIC_FORM_RATE


TOO_MANY_MESSAGE = (
    "This form has been sent too many times from your network. Nothing was sent this time: "
    "your answers are below. Please try again later."
)


def public_form_limit(group):
    """The public forms' rate limit (the pipeline's interest form, a student's sign-up): every POST
    counts, per client address, in the cache every worker shares. Not blocking: the view sees
    `request.limited`, shows the form again with TOO_MANY_MESSAGE (429) and saves nothing."""
    return ratelimit(
        group=group, key="tandem.core.client_ip.rate_limit_key", rate=public_form_rate, method="POST", block=False
    )
