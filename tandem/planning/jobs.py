"""Planner jobs and what-if questions: build and check the instance, then queue the task
(`tasks`, which runs them with `runner`). Every write is audited."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import planner
from tandem.audit.services import record

from . import instance as inst_mod
from .models import PlanJob, PlanWhatIf
from .present import humanise
from .tasks import run_plan_job, run_what_if

log = logging.getLogger(__name__)
Status = PlanJob.Status


class PlanningError(Exception):
    """Something the admin must fix before planning (shown on the page, never a 500)."""


# -- planner jobs ----------------------------------------------------------------------------


def checked_build(wish_list):
    """Build and validate the instance; PlanningError with a clear message when it cannot be planned."""
    built = inst_mod.build(wish_list)
    if not built.instance["runs"]:
        raise PlanningError("The wish list has no runs waiting to be planned: add courses first.")
    try:
        planner.validate_instance(built.instance)
    except planner.InstanceError as exc:
        raise PlanningError(f"The planner cannot use these records: {humanise_error(str(exc), built)}") from None
    return built


def humanise_error(message, built):
    return humanise(message, built.labels)


def job_start(*, actor, wish_list, time_limit=30, what_if=True):
    """Make a planning job from the College's records as they are now, and queue it.

    Raises PlanningError when the records cannot be planned (nothing is written then)."""
    built = checked_build(wish_list)
    with transaction.atomic():
        job = PlanJob.objects.create(
            wish_list=wish_list, time_limit=time_limit, instance=built.instance, labels=built.labels, created_by=actor
        )
        record(actor=actor, action="create", obj=job, fields=["instance", "time_limit"])
    try:
        result = run_plan_job.enqueue(job.pk, bool(what_if))
    except Exception as exc:  # the queue itself is unavailable: say so on the job
        log.exception("could not queue planning job %s", job.pk)
        PlanJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=f"The job could not be queued: {exc}", finished_at=timezone.now()
        )
    else:
        PlanJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_stop(*, actor, job):
    """Ask a running job to stop: it keeps the best plan found so far."""
    if PlanJob.objects.filter(pk=job.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(stop_requested=True):
        record(actor=actor, action="update", obj=job, fields=["stop_requested"])
        return True
    return False


@transaction.atomic
def what_if_create(*, actor, job, tutor, hours):
    if job.status != Status.FINISHED or not job.result or job.result.get("status") == "infeasible":
        raise ValidationError({"__all__": "Ask what-if questions of a finished plan."})
    ids = {t["id"] for t in job.instance["tutors"] if t["role"] == "staff"}
    if tutor.college_id != job.wish_list.college_id or inst_mod.tutor_id(tutor.pk) not in ids:
        raise ValidationError({"tutor": "Choose a staff tutor the planner could use."})
    if hours is None or hours <= 0:
        raise ValidationError({"hours": "Enter the extra hours, more than 0."})
    wi = PlanWhatIf.objects.create(job=job, tutor=tutor, hours=hours, created_by=actor)
    record(actor=actor, action="create", obj=wi, fields=["tutor", "hours"])
    return wi


def what_if_start(*, actor, job, tutor, hours):
    wi = what_if_create(actor=actor, job=job, tutor=tutor, hours=hours)
    try:
        run_what_if.enqueue(wi.pk)
    except Exception as exc:  # noqa: BLE001
        log.exception("could not queue what-if %s", wi.pk)
        PlanWhatIf.objects.filter(pk=wi.pk).update(
            status=Status.FAILED, error=f"The question could not be queued: {exc}"
        )
    wi.refresh_from_db()
    return wi
