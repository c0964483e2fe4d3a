"""The audit service: every write to personal data calls `record`."""

from .models import AuditEvent


def record(*, actor, action, obj=None, object_type="", object_id="", fields=(), note=""):
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    label = "system"
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    return AuditEvent.objects.create(
        actor=actor if label != "system" else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(fields),
        note=note[:200],
    )
