"""The students area follows the register and the runs:
- certificates of attendance: when courses.services marks a run completed (its last session
  recorded), the run's certificates are issued in the same transaction;
- places: when a run's places change (courses.services.run_update), fewer places than students
  booked is refused, and new places go to the people waiting (emailed), as after a cancellation."""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save
from django.dispatch import receiver

from tandem.courses.models import CourseRun
from tandem.courses.signals import run_capacity_changed

from .services import certificates_issue, places_taken, promote_waiting


@receiver(post_save, sender=CourseRun, dispatch_uid="students-certificates-on-completion")
def issue_certificates_on_completion(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or created or instance.status != CourseRun.Status.COMPLETED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    certificates_issue(run=instance)


@receiver(run_capacity_changed, sender=CourseRun, dispatch_uid="students-places-follow-capacity")
def places_follow_capacity(sender, run, before, **kwargs):
    """The run's row is locked by run_update. Returns the bookings given a place."""
    taken = places_taken(run)
    if run.capacity < taken:
        raise ValidationError(
            {
                "capacity": f"{taken} students have a place on this run: keep at least {taken} places, or cancel "
                "bookings first."
            }
        )
    return promote_waiting(run=run) if run.capacity > before else []
