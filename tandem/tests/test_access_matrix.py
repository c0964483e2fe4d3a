"""Every URL pattern, every role: the expected answer to a GET.

A new URL pattern fails `test_every_pattern_is_in_the_matrix` until its row is added here, so
nobody ships a page whose access nobody decided.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "college_admin", "qi_team", "tutor", "line_manager", "leader"]
OK, REDIR, FORBID, GONE = 200, 302, 403, 404


def row(anonymous=REDIR, **by_role):
    """anonymous defaults to a redirect to sign in; every signed-in role must be given."""
    return {"anonymous": anonymous, **by_role}


def everyone(code):
    return {r: code for r in ROLES[1:]}


# name -> (kwargs from the world fixture, expected status per role)
MATRIX = {
    "accounts:login": (None, row(anonymous=OK, **everyone(REDIR))),
    "accounts:logout": (None, row(**everyone(OK))),
    "core:dashboard": (None, row(**everyone(OK))),
    "core:import": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "tutors:list": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
    "tutors:me": (None, row(college_admin=FORBID, qi_team=FORBID, tutor=REDIR, line_manager=FORBID, leader=FORBID)),
    "tutors:create": (None, row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "tutors:detail": (lambda w: {"pk": w.staff.pk}, row(**everyone(OK))),
    "tutors:detail#unmanaged": (lambda w: {"pk": w.unmanaged.pk},
                                row(college_admin=OK, qi_team=OK, tutor=GONE, line_manager=GONE, leader=OK)),
    "tutors:detail#other-college": (lambda w: {"pk": w.other_tutor.pk}, row(**everyone(GONE))),
    "tutors:edit": (lambda w: {"pk": w.staff.pk},
                    row(college_admin=OK, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "tutors:edit#other-college": (lambda w: {"pk": w.other_tutor.pk},
                                  row(college_admin=GONE, qi_team=FORBID, tutor=FORBID, line_manager=FORBID, leader=FORBID)),
    "courses:list": (None, row(**everyone(OK))),
    "courses:detail": (lambda w: {"pk": w.course.pk}, row(**everyone(OK))),
    "courses:detail#other-college": (lambda w: {"pk": w.other_course.pk}, row(**everyone(GONE))),
    "courses:timetable": (None, row(**everyone(OK))),
    "courses:run": (lambda w: {"pk": w.run.pk}, row(**everyone(OK))),
    "courses:run#not-theirs": (lambda w: {"pk": w.gap_run.pk},
                               row(college_admin=OK, qi_team=OK, tutor=GONE, line_manager=GONE, leader=OK)),
    "courses:run#other-college": (lambda w: {"pk": w.other_run.pk}, row(**everyone(GONE))),
    "qi:measures": (None, row(college_admin=OK, qi_team=OK, tutor=FORBID, line_manager=FORBID, leader=OK)),
}

# The Django admin guards itself (staff accounts only); it is checked as a whole below.
EXEMPT_NAMESPACES = {"admin"}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if (ns or "") in EXEMPT_NAMESPACES:
                continue
            yield from named_patterns(p, full)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else str(p.name)


def test_every_pattern_is_in_the_matrix():
    covered = {key.split("#")[0] for key in MATRIX}
    missing = sorted(set(named_patterns()) - covered)
    assert not missing, f"URL patterns with no row in the access matrix: {missing}"


def test_every_row_names_every_role():
    for key, (_, expected) in MATRIX.items():
        assert set(expected) == set(ROLES), f"{key} must give an expected status for every role"


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_access(key, world, client):
    kwargs_fn, expected = MATRIX[key]
    url = reverse(key.split("#")[0], kwargs=kwargs_fn(world) if kwargs_fn else None)
    failures = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{role}: got {status}, expected {expected[role]}")
    assert not failures, f"{url}: " + "; ".join(failures)


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("tutors:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_django_admin_is_for_staff_accounts_only(world, client):
    for role, user in world.users.items():
        client.force_login(user)
        assert client.get("/admin/").status_code == 302, role  # sent to the admin sign-in
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200
