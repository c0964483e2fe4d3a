"""Every URL pattern, generically: which HTTP methods its view declares, that a POST-only view
answers GET with 405, that a GET-only view answers POST with 405, and that a POST without a CSRF
token is refused (403) for every role and for anonymous visitors — public pages included.

Patterns and the objects to address come from the access matrix, so a new pattern is covered as
soon as it has its matrix row.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from .test_access_matrix import MATRIX, ROLES, named_patterns

# Views that may answer every method (none today); each needs a reason.
NO_METHOD_DECLARATION = {}


def _callbacks(resolver=None, namespace=""):
    from django.urls import URLPattern, URLResolver

    from .test_access_matrix import EXEMPT_NAMESPACES

    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _callbacks(p, full)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else str(p.name)), p.callback


def allowed_methods(callback):
    """The methods a view declares: a class-based view's handlers, or the list given to
    require_http_methods / require_GET / require_POST (found in the decorators' closures)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if m != "options" and hasattr(view_class, m)}
    seen, stack = set(), [callback]
    while stack:
        func = stack.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        for cell in getattr(func, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, (list, tuple))
                and value
                and all(isinstance(v, str) and v in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} for v in value)
            ):
                return set(value)
            if callable(value):
                stack.append(value)
        if getattr(func, "__wrapped__", None) is not None:
            stack.append(func.__wrapped__)
    return None


CALLBACKS = dict(_callbacks())


def test_every_view_declares_its_methods():
    undeclared = sorted(
        name for name, cb in CALLBACKS.items() if allowed_methods(cb) is None and name not in NO_METHOD_DECLARATION
    )
    assert not undeclared, f"views without @require_GET / @require_POST / @require_http_methods: {undeclared}"


def test_patterns_match_the_matrix():
    assert set(CALLBACKS) == set(named_patterns())


def _url(name, world):
    kwargs_fn, _ = MATRIX[name]
    return reverse(name, kwargs=kwargs_fn(world) if kwargs_fn else None)


@pytest.mark.parametrize("name", sorted(n for n in CALLBACKS if n in MATRIX))
def test_methods_and_csrf(name, world):
    methods = allowed_methods(CALLBACKS[name]) or {"GET", "POST"}
    url = _url(name, world)
    plain = Client()
    strict = Client(enforce_csrf_checks=True)
    failures = []
    if "POST" in methods and "GET" not in methods:
        plain.force_login(world.admin)
        status = plain.get(url).status_code
        if status != 405:
            failures.append(f"GET as admin gave {status}, expected 405 for a POST-only view")
    if "GET" in methods and "POST" not in methods:
        plain.force_login(world.admin)
        status = plain.post(url).status_code
        if status not in (405, 403, 302):  # 403/302: refused before the method check (role, sign-in)
            failures.append(f"POST as admin gave {status}, expected 405 for a GET-only view")
    for role in ROLES:
        strict.logout()
        if role != "anonymous":
            strict.force_login(world.users[role])
        status = strict.post(url, {"anything": "x"}).status_code
        if status != 403:
            failures.append(f"POST without a CSRF token as {role} gave {status}, expected 403")
    assert not failures, f"{name} ({url}): " + "; ".join(failures)
