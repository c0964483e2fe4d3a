"""Reads of pay records, always scoped to the user: an admin sees their College's; a tutor sees
their own payments only (request.user.tutor). Anything else answers 404."""

from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from tandem.core.scoping import college_id_of, scoped
from tandem.courses.models import CourseRun
from tandem.tutors.models import Tutor

from .models import Expense, Payment, PayYear, RateCard, StaffPayGrade, WorkLog


def college_payments(user):
    return scoped(Payment.objects, user, "tutor__college", perm="view_payments").select_related(
        "tutor", "run__course", "run__term", "choice"
    )


def payment_for(user, pk):
    return get_object_or_404(college_payments(user), pk=pk)


def filter_payments(qs, *, status="", tutor=None, activity="", date_from=None, date_to=None):
    if status:
        qs = qs.filter(status=status)
    if tutor:
        qs = qs.filter(tutor=tutor)
    if activity:
        qs = qs.filter(activity=activity)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def totals(qs):
    """Counts and gross £ of the payments in qs, by status."""
    by_status = {
        row["status"]: row for row in qs.order_by().values("status").annotate(n=Count("id"), gross=Sum("amount"))
    }
    return by_status


def own_tutor(user):
    """The tutor record of a signed-in tutor, in their own College; 404 if there is none."""
    if college_id_of(user, "view_own_payments") is None:
        raise Http404("No tutor record is linked to this account.")
    tutor = scoped(Tutor.objects, user).filter(user=user).first()
    if tutor is None:
        raise Http404("No tutor record is linked to this account.")
    return tutor


def own_payments(user):
    return (
        scoped(Payment.objects, user, "tutor__college", perm="view_own_payments")
        .filter(tutor__user=user)
        .select_related("run__course", "choice")
    )


def own_payment_for(user, pk):
    return get_object_or_404(own_payments(user), pk=pk)


def own_expenses(user):
    return scoped(Expense.objects, user, "tutor__college", perm="view_own_payments").filter(tutor__user=user)


def rate_cards(user):
    college_id = college_id_of(user, "view_payments")
    return RateCard.objects.filter(college_id=college_id) if college_id else RateCard.objects.none()


def rate_card_for(user, pk):
    return get_object_or_404(rate_cards(user), pk=pk)


def pay_years(user):
    return scoped(PayYear.objects, user, perm="view_payments").annotate(n_points=Count("points"))


def pay_year_for(user, pk):
    return get_object_or_404(pay_years(user), pk=pk)


def peer_tutors(user):
    return scoped(Tutor.objects, user, perm="view_payments").filter(kind=Tutor.Kind.PEER)


def staff_tutors(user):
    return scoped(Tutor.objects, user, perm="view_payments").filter(kind=Tutor.Kind.STAFF)


def staff_with_grades(user):
    """Staff tutors with their grades (newest first), those without a grade first."""
    tutors = list(staff_tutors(user).exclude(status=Tutor.Status.INTERESTED).select_related("employer"))
    grades = {}
    for g in StaffPayGrade.objects.filter(tutor__in=tutors).order_by("-from_date"):
        grades.setdefault(g.tutor_id, []).append(g)
    for t in tutors:
        t.grades = grades.get(t.pk, [])
    return sorted(tutors, key=lambda t: (bool(t.grades), t.last_name, t.first_name))


def runs(user):
    return (
        scoped(CourseRun.objects, user, "course__college", perm="view_payments")
        .select_related("course", "term")
        .order_by("-start_date", "course__title")
    )


def work_logs(user):
    return scoped(WorkLog.objects, user, "tutor__college", perm="view_payments").select_related(
        "tutor", "run__course", "run__term", "payment"
    )


def expenses(user):
    return scoped(Expense.objects, user, "tutor__college", perm="view_payments").select_related("tutor")
