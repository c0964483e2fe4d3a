"""Reads of the staff-tutor pipeline: entries for the College's admin and QI team; the funnel
(counts only, nobody named) also for leaders."""

from collections import defaultdict

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from tandem.core.scoping import scoped

from .models import PipelineEntry, PipelineStageChange, PipelineSubmission

Stage = PipelineEntry.Stage
STAGES = [s.value for s in PipelineEntry.STAGE_ORDER]


def visible_entries(user):
    return (
        scoped(PipelineEntry.objects, user, perm="view_pipeline")
        .select_related("tutor")
        .prefetch_related(
            Prefetch("changes", queryset=PipelineStageChange.objects.select_related("recorded_by").order_by("on", "id"))
        )
    )


def entry_for(user, pk):
    return get_object_or_404(visible_entries(user), pk=pk)


def visible_submissions(user):
    """Posts of the public form matching an existing record, waiting for review."""
    return scoped(PipelineSubmission.objects, user, perm="manage_pipeline").select_related("entry", "entry__tutor")


def submission_for(user, pk):
    return get_object_or_404(visible_submissions(user), pk=pk)


def filter_entries(qs, *, stage="", q=""):
    if stage:
        qs = qs.filter(stage=stage)
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(team__icontains=q) | Q(profession__icontains=q) | Q(topics__icontains=q)
        )
    return qs


def quarter_of(day):
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters_between(first, last):
    y, q = first
    out = []
    while (y, q) <= last:
        out.append(f"{y} Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def funnel(college):
    """Per quarter: how many people reached each stage in it, and of those who became interested
    in it, how many have been trained and have taught since (the conversion).

    [{"quarter", "interested", "trained", "teaching", "lapsed", "then_trained", "then_teaching"}]"""
    rows = PipelineStageChange.objects.filter(entry__college=college).values_list("entry_id", "stage", "on")
    reached = defaultdict(lambda: defaultdict(set))  # quarter -> stage -> entries
    first_interest, ever = {}, defaultdict(set)  # entry -> quarter first interested; entry -> stages
    dates = []
    for entry, stage, on in rows:
        dates.append(on)
        q = quarter_of(on)
        reached[q][stage].add(entry)
        ever[entry].add(stage)
        if stage == Stage.INTERESTED and (entry not in first_interest or on < first_interest[entry][0]):
            first_interest[entry] = (on, q)
    if not dates:
        return []
    lo, hi = min(dates), max(dates)
    out = []
    for q in _quarters_between((lo.year, (lo.month - 1) // 3 + 1), (hi.year, (hi.month - 1) // 3 + 1)):
        cohort = [e for e, (_, fq) in first_interest.items() if fq == q]
        row = {"quarter": q, **{s: len(reached[q][s]) for s in STAGES}}
        row["then_trained"] = sum(1 for e in cohort if Stage.TRAINED in ever[e] or Stage.TEACHING in ever[e])
        row["then_teaching"] = sum(1 for e in cohort if Stage.TEACHING in ever[e])
        out.append(row)
    return out


def stage_counts(college):
    counts = dict.fromkeys(STAGES, 0)
    for stage in PipelineEntry.objects.filter(college=college).values_list("stage", flat=True):
        counts[stage] += 1
    return counts
