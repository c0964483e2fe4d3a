"""Reads of release requests and budgets, scoped to the user: a tutor sees their own requests,
a line manager the requests made to them (another manager's answer 404), an admin the
College's."""

from django.db.models import Sum
from django.shortcuts import get_object_or_404

from tandem.accounts.models import Role
from tandem.core.scoping import college_id_of, scoped
from tandem.tutors.models import Tutor

from .models import ReleaseBudget, ReleaseRequest

RR = ReleaseRequest


def _base():
    return RR.objects.select_related(
        "tutor", "manager", "requested_by", "decided_by", "run__course", "run__term", "term"
    )


def visible_requests(user):
    if college_id_of(user) is None:
        return RR.objects.none()
    qs = scoped(_base(), user)
    if user.role == Role.COLLEGE_ADMIN:
        return qs
    if user.role == Role.LINE_MANAGER:
        return qs.filter(manager=user)
    if user.role == Role.TUTOR:
        return qs.filter(tutor__user=user)
    return qs.none()


# What the list of requests shows (release/list.jinja): five tables joined, not the ten of _base().
LIST_FIELDS = (
    "kind",
    "status",
    "hours",
    "requested_at",
    "starts_on",
    "ends_on",
    "tutor__first_name",
    "tutor__last_name",
    "run__course__title",
    "run__course__number_of_sessions",
    "run__term__season",
    "run__term__year",
)


def listed_requests(user, status=""):
    """The user's requests for the list page, newest first, with only the columns it shows;
    only those of `status` when it is one."""
    qs = visible_requests(user).select_related(None).select_related("tutor", "run__course", "run__term")
    if status in RR.Status.values:
        qs = qs.filter(status=status)
    return qs.only(*LIST_FIELDS)


def request_for(user, pk):
    return get_object_or_404(visible_requests(user), pk=pk)


def decidable_request(user, pk):
    """Only the line manager the request was made to may decide it; anyone else gets 404."""
    if not user.is_authenticated or user.role != Role.LINE_MANAGER:
        return get_object_or_404(RR.objects.none(), pk=pk)
    return get_object_or_404(_base().filter(college_id=user.college_id, manager=user), pk=pk)


def withdrawable_request(user, pk):
    """The tutor who asked (or the College admin, who may ask on their behalf)."""
    if not user.is_authenticated or user.role not in (Role.TUTOR, Role.COLLEGE_ADMIN):
        return get_object_or_404(RR.objects.none(), pk=pk)
    return request_for(user, pk)


def requestable_tutors(user):
    """Staff tutors the user may ask release for: themselves, or (an admin) any in the College."""
    if college_id_of(user) is None:
        return Tutor.objects.none()
    qs = scoped(Tutor.objects, user).filter(kind=Tutor.Kind.STAFF).exclude(status=Tutor.Status.LEFT)
    if user.role == Role.COLLEGE_ADMIN:
        return qs.select_related("line_manager")
    if user.role == Role.TUTOR:
        return qs.filter(user=user).select_related("line_manager")
    return qs.none()


def budget_tutors(user):
    """Staff tutors whose budgets the user may see and set: an admin all the College's, a line
    manager their own staff."""
    if college_id_of(user) is None:
        return Tutor.objects.none()
    qs = scoped(Tutor.objects, user).filter(kind=Tutor.Kind.STAFF).select_related("line_manager")
    if user.role == Role.COLLEGE_ADMIN:
        return qs
    if user.role == Role.LINE_MANAGER:
        return qs.filter(line_manager=user)
    return qs.none()


def budget_rows(user, term):
    """[(tutor, budget hours or None, approved hours, hours left or None)] for the term."""
    tutors = list(budget_tutors(user).exclude(status=Tutor.Status.LEFT))
    ids = [t.pk for t in tutors]
    budgets = dict(ReleaseBudget.objects.filter(term=term, tutor_id__in=ids).values_list("tutor_id", "hours"))
    used = dict(
        RR.objects.filter(term=term, tutor_id__in=ids, status__in=RR.APPROVED_STATUSES)
        .values("tutor_id")
        .annotate(total=Sum("approved_hours"))
        .values_list("tutor_id", "total")
    )
    rows = []
    for t in tutors:
        budget = budgets.get(t.pk)
        spent = used.get(t.pk) or 0
        rows.append((t, budget, spent, None if budget is None else budget - spent))
    return rows


STATUS_WORD = {
    RR.Status.APPROVED: "released",
    RR.Status.PARTLY_APPROVED: "released",
    RR.Status.PENDING: "pending",
    RR.Status.DECLINED: "declined",
}


def release_status_for_runs(runs):
    """{(run_id, tutor_id): "released" | "pending" | "declined"} from each tutor's latest request
    for each run (withdrawn and expired requests are left out: no release either way)."""
    run_ids = [getattr(r, "pk", r) for r in runs]
    if not run_ids:
        return {}
    out = {}
    rows = (
        RR.objects.filter(run_id__in=run_ids, status__in=list(STATUS_WORD))
        .order_by("requested_at", "pk")
        .values_list("run_id", "tutor_id", "status")
    )
    for run_id, tutor_id, status in rows:
        out[(run_id, tutor_id)] = STATUS_WORD[status]  # later requests overwrite earlier ones
    return out


def pending_count(user):
    if not user.is_authenticated or user.role != Role.LINE_MANAGER:
        return 0
    return RR.objects.filter(manager=user, status=RR.Status.PENDING).count()


def release_detail_for_run(run):
    """Each tutor's latest release request for this run (on the run or not), newest last:
    [{"tutor", "manager", "status", "word", "approved", "asked", "request"}], and the run's
    scheduled sessions that a partly approved release leaves without a released staff tutor."""
    latest = {}
    for rr in (
        RR.objects.filter(run=run, status__in=list(STATUS_WORD))
        .select_related("tutor", "manager")
        .prefetch_related("sessions", "approved_sessions")
        .order_by("requested_at", "pk")
    ):
        latest[rr.tutor_id] = rr
    rows, released = [], set()
    for rr in latest.values():
        asked = {s.pk for s in rr.sessions.all()}
        approved = (
            {s.pk for s in rr.approved_sessions.all()}
            if rr.status == RR.Status.PARTLY_APPROVED
            else (asked if rr.status == RR.Status.APPROVED else set())
        )
        released |= approved
        rows.append(
            {
                "tutor": rr.tutor,
                "manager": rr.manager,
                "status": rr.status,
                "word": STATUS_WORD[rr.status],
                "approved": len(approved),
                "asked": len(asked),
                "request": rr,
            }
        )
    partial = any(r["status"] == RR.Status.PARTLY_APPROVED for r in rows)
    unreleased = set()
    if partial:
        scheduled = set(run.sessions.filter(status="scheduled").values_list("pk", flat=True))
        unreleased = scheduled - released
    return rows, unreleased
