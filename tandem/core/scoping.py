"""Every read is scoped to the user's College: the one place that says how.

`college_id_of(user)` is the user's College (None when anonymous, belonging to no College, or
lacking the permission asked for); `scoped(qs, user, path)` filters a queryset to that College
through `path` (the lookup from the queryset's model to its College), and is empty otherwise.
"""

from tandem.accounts.rules import can


def college_id_of(user, perm=None):
    """The user's College id, or None when they are anonymous, have no College, or (given `perm`)
    may not do `perm`."""
    if not user.is_authenticated or user.college_id is None:
        return None
    if perm is not None and not can(user, perm):
        return None
    return user.college_id


def scoped(qs, user, path="college", *, perm=None):
    """`qs` filtered to the user's College through `path` ("college", "course__college", ...);
    empty when the user has no College (or may not do `perm`)."""
    college_id = college_id_of(user, perm)
    if college_id is None:
        return qs.none()
    return qs.filter(**{f"{path}_id": college_id})
