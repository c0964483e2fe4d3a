"""Certificates of attendance follow the register: when courses.services marks a run completed
(its last session recorded), the run's certificates are issued in the same transaction."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from tandem.courses.models import CourseRun

from .services import certificates_issue


@receiver(post_save, sender=CourseRun, dispatch_uid="students-certificates-on-completion")
def issue_certificates_on_completion(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or created or instance.status != CourseRun.Status.COMPLETED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    certificates_issue(run=instance)
