import datetime as dt

from tandem.pipeline.models import PipelineEntry, PipelineStageChange, PipelineSubmission


def make_entry(w, *, college=None, email="alex.keen@example.nhs.uk", stage="interested", on=dt.date(2019, 4, 2)):
    entry = PipelineEntry.objects.create(
        college=college or w.college,
        name="Alex Keen",
        work_email=email,
        profession="Occupational therapist",
        team="Early intervention",
        stage=stage,
    )
    PipelineStageChange.objects.create(entry=entry, stage=stage, on=on)
    return entry


def make_submission(w, *, college=None, entry=None):
    """A post of the public form that matched an existing record, waiting for review."""
    entry = entry or make_entry(w, college=college, email=f"sub{PipelineEntry.objects.count()}@example.nhs.uk")
    return PipelineSubmission.objects.create(
        college=entry.college,
        entry=entry,
        name="Someone Else",
        work_email=entry.work_email,
        profession="Nurse",
        team="Crisis team",
    )
