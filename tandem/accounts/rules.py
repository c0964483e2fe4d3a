"""Every role rule in Tandem, in one place.

Views ask `can(user, permission)` (or use `@requires(permission)`); templates call the same
`can`. Object-level scoping (which tutor, which run) lives in each app's selectors, which
use `role_of` and these permissions, so a user never reaches an object they may not see.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role

A, Q, T, M, L = Role.COLLEGE_ADMIN, Role.QI_TEAM, Role.TUTOR, Role.LINE_MANAGER, Role.LEADER

PERMISSIONS = {
    # College records
    "view_dashboard": {A, Q, T, M, L},
    "view_tutor_register": {A, Q, L},
    "view_own_tutor_record": {T},
    "manage_tutors": {A},
    "view_courses": {A, Q, T, M, L},
    "manage_courses": {A},
    "view_timetable": {A, Q, T, M, L},
    "import_records": {A},
    # QI
    "view_qi": {A, Q, L},
    "manage_qi": {A, Q},
    "view_measures": {A, Q, L},
}


def role_of(user):
    if not user or not user.is_authenticated:
        return None
    return user.role


def can(user, permission):
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")
    return role_of(user) in PERMISSIONS[permission]


def requires(permission):
    """View decorator: 403 for a signed-in user whose role lacks the permission."""

    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
