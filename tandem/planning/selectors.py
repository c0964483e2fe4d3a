"""Reads of term planning, scoped to the user's College: another College's wish lists, jobs and
tutors answer 404."""

from django.shortcuts import get_object_or_404

from tandem.core.scoping import scoped
from tandem.courses.models import Course
from tandem.tutors.models import Tutor

from .instance import PLANNING_STATUSES
from .models import PlanJob, WishedRun, WishList


def visible_wish_lists(user):
    return scoped(WishList.objects, user, perm="plan_terms").select_related("term", "college")


def wish_list_for(user, pk):
    return get_object_or_404(visible_wish_lists(user), pk=pk)


def wished_run_for(user, wish_list_pk, pk):
    qs = WishedRun.objects.filter(wish_list__in=visible_wish_lists(user), wish_list_id=wish_list_pk)
    return get_object_or_404(qs.select_related("course", "site", "wish_list__term", "wish_list__college"), pk=pk)


def visible_jobs(user):
    return scoped(PlanJob.objects, user, "wish_list__college", perm="plan_terms").select_related(
        "wish_list__term", "wish_list__college", "created_by", "accepted_by"
    )


def job_for(user, pk):
    return get_object_or_404(visible_jobs(user), pk=pk)


def catalogue(user):
    return (
        scoped(Course.objects, user, perm="plan_terms").filter(status=Course.Status.ACTIVE).order_by("topic", "title")
    )


def planning_tutors(user):
    return (
        scoped(Tutor.objects, user, perm="plan_terms")
        .filter(status__in=PLANNING_STATUSES)
        .order_by("kind", "last_name", "first_name")
    )


def tutor_for(user, pk):
    return get_object_or_404(scoped(Tutor.objects, user, perm="plan_terms"), pk=pk)
