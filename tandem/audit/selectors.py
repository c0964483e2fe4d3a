"""Reads of the audit log, scoped to the user's College."""

from tandem.core.scoping import scoped

from .models import AuditEvent


def visible_events(user):
    return scoped(AuditEvent.objects, user, perm="view_audit_log")


def filter_events(qs, *, actor="", action="", object_type="", object_id="", date_from=None, date_to=None):
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def choices(qs, field):
    values = qs.order_by().values_list(field, flat=True).distinct()
    return sorted(v for v in values if v)
