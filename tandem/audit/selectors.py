"""Reads of the audit log, scoped to the user's College."""

from tandem.core.scoping import scoped

from .models import AuditEvent

# A model moved to another app keeps its earlier audit rows under the label it had then (the log is
# append-only): its label now -> the labels it had before. The staff-tutor pipeline moved out of
# tandem.release into tandem.pipeline.
FORMER_LABELS = {
    "pipeline.PipelineEntry": ("release.PipelineEntry",),
    "pipeline.PipelineStageChange": ("release.PipelineStageChange",),
    "pipeline.PipelineSubmission": ("release.PipelineSubmission",),
}


def object_types(label):
    """Every object_type the audit log holds a model's rows under: its label now, then before."""
    return (label, *FORMER_LABELS.get(label, ()))


def visible_events(user):
    return scoped(AuditEvent.objects, user, perm="view_audit_log")


def filter_events(qs, *, actor="", action="", object_type="", object_id="", date_from=None, date_to=None):
    if actor:
        qs = qs.filter(actor_label=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type__in=object_types(object_type))
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
