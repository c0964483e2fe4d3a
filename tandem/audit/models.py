from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log cannot be edited.")

    def delete(self):
        raise PermissionError("The audit log cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which record, and when. Holds field names, never special-category values."""

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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log cannot be deleted.")
