"""Reads of term planning, scoped to the user's College: another College's wish lists, jobs and
tutors answer 404."""

from django.shortcuts import get_object_or_404

from tandem.accounts.rules import can
from tandem.courses.models import Course
from tandem.tutors.models import Tutor

from .instance import PLANNING_STATUSES
from .models import PlanJob, WishedRun, WishList


def _college_id(user):
    if not user.is_authenticated or user.college_id is None or not can(user, "plan_terms"):
        return None
    return user.college_id


def visible_wish_lists(user):
    cid = _college_id(user)
    if cid is None:
        return WishList.objects.none()
    return WishList.objects.filter(college_id=cid).select_related("term", "college")


def wish_list_for(user, pk):
    return get_object_or_404(visible_wish_lists(user), pk=pk)


def wished_run_for(user, wish_list_pk, pk):
    qs = WishedRun.objects.filter(wish_list__in=visible_wish_lists(user), wish_list_id=wish_list_pk)
    return get_object_or_404(qs.select_related("course", "site", "wish_list__term", "wish_list__college"), pk=pk)


def visible_jobs(user):
    cid = _college_id(user)
    if cid is None:
        return PlanJob.objects.none()
    return PlanJob.objects.filter(wish_list__college_id=cid).select_related(
        "wish_list__term", "wish_list__college", "created_by", "accepted_by")


def job_for(user, pk):
    return get_object_or_404(visible_jobs(user), pk=pk)


def catalogue(user):
    cid = _college_id(user)
    if cid is None:
        return Course.objects.none()
    return Course.objects.filter(college_id=cid, status=Course.Status.ACTIVE).order_by("topic", "title")


def planning_tutors(user):
    cid = _college_id(user)
    if cid is None:
        return Tutor.objects.none()
    return Tutor.objects.filter(college_id=cid, status__in=PLANNING_STATUSES).order_by("kind", "last_name", "first_name")


def tutor_for(user, pk):
    cid = _college_id(user)
    qs = Tutor.objects.filter(college_id=cid) if cid is not None else Tutor.objects.none()
    return get_object_or_404(qs, pk=pk)
