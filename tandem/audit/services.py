"""The audit service: every write to personal data calls `record` (or `record_many` for a bulk
change, one row per object). Rows hold field names, never values."""

from .models import AuditEvent


def _actor_label(actor):
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "system"


def college_of(obj, actor=None):
    """The College an audited object belongs to (for scoping the audit log page): the object's
    own College, or its tutor's, story's, course's, run's, or failing that the actor's."""
    seen = 0
    current = obj
    while current is not None and seen < 4:
        college_id = getattr(current, "college_id", None)
        if college_id:
            return college_id
        nxt = None
        for name in ("tutor", "story", "course", "run", "wish_list", "payment", "entry", "job", "pay_year"):
            if getattr(type(current), name, None) is not None and getattr(current, f"{name}_id", None):
                nxt = getattr(current, name)
                break
        current = nxt
        seen += 1
    return getattr(actor, "college_id", None) if actor is not None else None


def record(*, actor, action, obj=None, object_type="", object_id="", fields=(), note="", college_id=None):
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    label = _actor_label(actor)
    if college_id is None:
        college_id = college_of(obj, actor if label != "system" else None)
    return AuditEvent.objects.create(
        actor=actor if label != "system" else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=sorted(fields),
        note=note[:200],
        college_id=college_id,
    )


def record_many(*, actor, action, model, object_ids, fields=(), note="", college_id=None):
    """One audit row per object of a bulk change (approving a batch of payments, say)."""
    label = _actor_label(actor)
    if college_id is None and actor is not None and label != "system":
        college_id = actor.college_id
    rows = [
        AuditEvent(
            actor=actor if label != "system" else None,
            actor_label=label,
            action=action,
            object_type=model._meta.label,
            object_id=str(pk),
            fields=sorted(fields),
            note=note[:200],
            college_id=college_id,
        )
        for pk in object_ids
    ]
    return AuditEvent.objects.bulk_create(rows, batch_size=500)
