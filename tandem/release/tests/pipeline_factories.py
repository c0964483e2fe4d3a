import datetime as dt

from tandem.release.models import PipelineEntry, PipelineStageChange


def make_entry(w, *, college=None, email="alex.keen@example.nhs.uk", stage="interested", on=dt.date(2019, 4, 2)):
    entry = PipelineEntry.objects.create(college=college or w.college, name="Alex Keen", work_email=email,
                                         profession="Occupational therapist", team="Early intervention", stage=stage)
    PipelineStageChange.objects.create(entry=entry, stage=stage, on=on)
    return entry
