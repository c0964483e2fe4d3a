from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log cannot be edited.")

    def delete(self):
        raise PermissionError("The audit log cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which record, and when. Holds field names, never special-category values.

    Append-only: the model and queryset refuse updates and deletes, and so does the database
    (triggers installed by migration 0003_append_only; `tandem flush` lifts them only while it
    empties the whole database). The one change the triggers allow is the actor becoming NULL
    when a user account is deleted (actor_label keeps who it was)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Who acted, kept if the account goes")
    action = models.CharField(max_length=40)  # create, update, delete, read, import, ...
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    fields = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=200, blank=True)
    # Which College's records the event is about (the audit log page shows an admin their
    # College's). No database constraint and nothing done on delete: the log outlives what it
    # describes and is never updated.
    college = models.ForeignKey(
        "core.College", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"

    @property
    def at_local(self):
        return timezone.localtime(self.at).strftime("%d %b %Y %H:%M:%S")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log cannot be deleted.")
