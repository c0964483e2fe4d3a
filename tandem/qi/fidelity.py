"""The College's RECOLLECT fidelity self-assessment (Toney et al., Canadian Journal of Psychiatry
2019; CC BY-NC-ND 4.0, used unchanged): writes (`save`, audited), reads (scoped to the user's
College), the evidence Tandem's own records offer beside each component for the assessment's
year, and the run chart of the total over the years (the `spc` core, drawn by tandem.charts)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from spc import SpcInputError, analyse
from tandem.accounts.rules import can
from tandem.audit.services import record
from tandem.charts import GREEN, MID_GREY, Chart, Line, render_svg
from tandem.courses.models import Course, CourseRun
from tandem.courses.selectors import delivered_sessions

from .charts import run_chart_results
from .models import (
    RECOLLECT_LEVELS,
    RECOLLECT_MAX,
    RECOLLECT_MODIFIABLE,
    RECOLLECT_SCORED,
    FidelityAssessment,
)

SCORED_FIELDS = [f for f, _n, _name in RECOLLECT_SCORED]
MODIFIABLE_FIELDS = [f for f, _n, _name in RECOLLECT_MODIFIABLE]
OTHER_FIELDS = [
    "year",
    "assessed_on",
    "manager_took_part",
    "peer_tutors",
    "staff_tutors",
    "students",
    "others",
    "notes",
]
FIELDS = OTHER_FIELDS + SCORED_FIELDS + MODIFIABLE_FIELDS
ENGLAND_MEDIAN = 11  # England survey 2021 (outcome-measures reference): median 11, IQR 9-13


# --- Reads -------------------------------------------------------------------------------------


def assessments(user):
    if not user.is_authenticated or user.college_id is None or not can(user, "view_fidelity"):
        return FidelityAssessment.objects.none()
    return FidelityAssessment.objects.filter(college_id=user.college_id).order_by("year")


def assessment_for(user, pk):
    return get_object_or_404(assessments(user), pk=pk)


def for_college(college):
    return list(FidelityAssessment.objects.filter(college=college).order_by("year"))


# --- Writes ------------------------------------------------------------------------------------


def _check(a):
    errors = {}
    for f in SCORED_FIELDS:
        if getattr(a, f) not in RECOLLECT_LEVELS:
            errors[f] = "Choose 0, 1 or 2."
    for f in MODIFIABLE_FIELDS:
        if getattr(a, f) is not None and getattr(a, f) not in RECOLLECT_LEVELS:
            errors[f] = "Choose 0, 1 or 2, or leave it unanswered."
    if a.year is None or not 2000 <= a.year <= 2100:
        errors["year"] = "Enter a year such as 2025."
    if a.assessed_on and a.year and a.assessed_on.year < a.year:
        errors["assessed_on"] = "The assessment is made during or after the year it assesses."
    if not (a.manager_took_part or a.peer_tutors or a.staff_tutors or a.students or a.others.strip()):
        errors["manager_took_part"] = "Say who took part in the assessment."
    clash = FidelityAssessment.objects.filter(college_id=a.college_id, year=a.year).exclude(pk=a.pk)
    if a.year is not None and clash.exists():
        errors["year"] = f"The College already has an assessment for {a.year}: edit that one."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save(*, actor, college, assessment=None, **fields):
    """Create (assessment None) or update one year's assessment; validated and audited."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    a = assessment or FidelityAssessment(college=college)
    if a.college_id != college.pk:
        raise ValidationError("This assessment belongs to another College.")
    changed = [k for k, v in fields.items() if getattr(a, k) != v] if a.pk else list(fields)
    for k in changed:
        setattr(a, k, fields[k])
    _check(a)
    created = a.pk is None
    try:
        with transaction.atomic():
            a.save()
    except IntegrityError:  # a concurrent save of the same year
        raise ValidationError({"year": f"The College already has an assessment for {a.year}: edit that one."}) from None
    record(actor=actor, action="create" if created else "update", obj=a, fields=changed)
    return a


@transaction.atomic
def delete(*, actor, assessment):
    record(actor=actor, action="delete", obj=assessment, note=str(assessment)[:200])
    assessment.delete()


# --- Evidence from the College's own records, for the assessment's year -------------------------


def _pct(n, d):
    return None if not d else round(100 * n / d)


def evidence(college, year):
    """{component field: [sentence, ...]}: what Tandem's records say for that calendar year.
    Only components the records speak to have an entry; the scoring stays the team's judgement."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    delivered = delivered_sessions(college).filter(date__range=(start, end))
    n_delivered = delivered.count()
    co_delivered = delivered.filter(peer_count__gte=1, staff_count__gte=1).count()
    runs = CourseRun.objects.filter(course__college=college, sessions__in=delivered).distinct()
    courses = (
        Course.objects.filter(runs__in=runs)
        .distinct()
        .annotate(
            peers=Count("co_producers", filter=Q(co_producers__kind="peer"), distinct=True),
            staff=Count("co_producers", filter=Q(co_producers__kind="staff"), distinct=True),
        )
    )
    n_courses = courses.count()
    co_produced = sum(1 for c in courses if c.peers and c.staff)
    sites = runs.filter(online=False).values("room__site").distinct().count()
    online = runs.filter(online=True).count()
    heads = [h for h in delivered.values_list("head_count", flat=True) if h is not None]
    out = {}
    if not n_delivered:
        return {"coproduction": [f"No delivered sessions are recorded in {year}."]}
    out["coproduction"] = [
        f"{co_delivered} of {n_delivered} delivered sessions in {year} ({_pct(co_delivered, n_delivered)}%) "
        "were co-delivered by a peer and a staff tutor.",
        f"{co_produced} of the {n_courses} courses that ran in {year} ({_pct(co_produced, n_courses)}%) "
        "are recorded as co-produced by a peer and a staff tutor.",
    ]
    out["learning"] = [f"{n_courses} courses ran in {year}: {runs.count()} runs, {n_delivered} sessions delivered."]
    where = f"{sites} site{'' if sites == 1 else 's'} with in-person runs and {online} online run{'' if online == 1 else 's'}"
    out["location"] = [f"In {year}: {where}."]
    out["available_to_all"] = [
        f"In {year}: {where}."
        + (f" {sum(heads)} student attendances recorded at {len(heads)} sessions." if heads else "")
    ]
    return out


# --- The run chart of the total ----------------------------------------------------------------


def chart(items, *, id_prefix="fidelity-chart", width=760, height=300):
    """The RECOLLECT total per year as a run chart (median line), with its words and data table."""
    items = sorted(items, key=lambda a: a.year)
    if not items:
        return None
    labels = [str(a.year) for a in items]
    values = [a.total for a in items]
    median = None
    words = []
    try:
        result = analyse({"chart": "run", "values": values, "improvement": "increase"})
        median = result["groups"][-1]["centre"] if result["groups"] else None
        signal = any((g.get("runs") or {}).get("signal") for g in result["groups"])
        words = run_chart_results(result["groups"], labels)  # signal or none, always in words
    except SpcInputError:
        signal = False
        words = ["Too few years to test the run chart for a non-random pattern"]
    lines = []
    if median is not None:
        lines.append(Line("Median", [median] * len(values), MID_GREY, "", end_label=f"Median {median:g}"))
    lines.append(
        Line(
            "England 2021 median",
            [ENGLAND_MEDIAN] * len(values),
            GREEN,
            "2 2",
            end_label=f"England 2021 median {ENGLAND_MEDIAN}",
        )
    )
    description = (
        f"Run chart of the College's RECOLLECT fidelity total (0 to {RECOLLECT_MAX}) by year, "
        f"{labels[0]} to {labels[-1]}: " + ", ".join(f"{y} {v}" for y, v in zip(labels, values)) + "."
    )
    if median is not None:
        description += f" Median {median:g}."
    description += f" England survey 2021 median {ENGLAND_MEDIAN}."
    description += " " + ". ".join(words) + "."
    svg = render_svg(
        Chart(
            title="RECOLLECT fidelity total: run chart",
            labels=labels,
            values=values,
            y_label=f"Total (0-{RECOLLECT_MAX})",
            lines=lines,
            description=description,
            width=width,
            height=height,
            id_prefix=id_prefix,
        )
    )
    return {
        "svg": svg,
        "description": description,
        "median": median,
        "signal": signal,
        "words": words,
        "rows": [{"year": a.year, "total": a.total, "assessment": a} for a in items],
    }
