"""Process measures of the staff-tutor pipeline, computed from its stage history (and, for those
trained, the tutor records).

Months are calendar months in the College's time zone. Zero is not missing: a count is 0 in
every active month (tandem.qi.measures.active_months: the College delivered sessions, or someone
reached a stage of the pipeline) in which nothing was counted, and missing (null) only in the
other months.
"""

from collections import defaultdict

from tandem.qi.measures import counts_in_active_months, measure, month_key
from tandem.tutors.models import Tutor

from .models import PipelineEntry, PipelineStageChange


@measure(
    key="staff_tutors_interested",
    name="Staff newly interested in teaching",
    kind="process",
    improvement="increase",
    definition="People entering the staff-tutor pipeline as interested in the month (the public "
    "'Interested in teaching?' form or added by the College). Source: pipeline stage history.",
    population="Trust staff in the staff-tutor pipeline",
    numerator="People reaching the stage 'interested' in the month",
    denominator="None (a count)",
    source="Tandem staff-tutor pipeline (stage history)",
    frequency=(
        "Monthly; 0 in a month in which the College delivered sessions or someone reached a pipeline "
        "stage, but nobody became interested; missing in a month with neither"
    ),
)
def staff_tutors_interested(college):
    rows = PipelineStageChange.objects.filter(entry__college=college, stage=PipelineEntry.Stage.INTERESTED)
    per = defaultdict(set)
    for on, entry in rows.values_list("on", "entry_id"):
        per[month_key(on)].add(entry)
    return counts_in_active_months(college, {m: len(v) for m, v in per.items()}, _pipeline_months(college))


def _pipeline_months(college):
    """Months in which anyone reached any stage of the staff-tutor pipeline."""
    return {
        month_key(on) for on in PipelineStageChange.objects.filter(entry__college=college).values_list("on", flat=True)
    }


@measure(
    key="staff_tutors_trained",
    name="Trust staff newly trained in co-production",
    kind="process",
    improvement="increase",
    definition="Distinct Trust staff who completed co-production training in the month: staff tutors "
    "employed by the Trust by their training date, plus pipeline entries reaching 'trained' that "
    "are not linked to a tutor record (nobody counted twice). Source: tutor records, pipeline.",
    population="Trust staff tutors and Trust staff in the pipeline",
    numerator="People trained in co-production in the month",
    denominator="None (a count)",
    source="Tandem tutor records (training date) and staff-tutor pipeline",
    frequency=(
        "Monthly; 0 in a month in which the College delivered sessions or someone reached a pipeline "
        "stage, but nobody was trained; missing in a month with neither"
    ),
)
def staff_tutors_trained(college):
    per = defaultdict(set)
    tutors = Tutor.objects.filter(
        college=college, kind=Tutor.Kind.STAFF, employer__is_trust=True, coproduction_trained_on__isnull=False
    )
    counted = set()
    for pk, on in tutors.values_list("pk", "coproduction_trained_on"):
        per[month_key(on)].add(("tutor", pk))
        counted.add(pk)
    changes = PipelineStageChange.objects.filter(entry__college=college, stage=PipelineEntry.Stage.TRAINED)
    for on, entry, tutor in changes.values_list("on", "entry_id", "entry__tutor_id"):
        if tutor is None or tutor not in counted:
            per[month_key(on)].add(("entry", entry))
    return counts_in_active_months(college, {m: len(v) for m, v in per.items()}, _pipeline_months(college))
