"""Demo staff-tutor pipeline, derived from the College's generated records.

`populate(college, rng)` reads the tutors and delivered sessions another generator wrote
(tandem.demo.generate) and writes every Trust staff tutor's way through interested → trained →
teaching (→ lapsed), from their tutor record and delivered sessions, plus people who answered the
"Interested in teaching?" form but have not trained yet.

Deterministic given `rng` (a random.Random): tutors are visited in a fixed order. Written with bulk
inserts and no audit rows (the records are history, not anyone's action today).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from tandem.core import clock
from tandem.courses.selectors import delivered_by_rows
from tandem.tutors.models import Tutor

from .models import PipelineEntry, PipelineStageChange

FORM_FROM = date(2019, 2, 11)  # the "Interested in teaching?" page goes live with the QI project
FORM_FIRST = ("Aled", "Bryony", "Chidi", "Dana", "Esme", "Farah", "Gethin", "Hollie", "Ivo", "Jasmin", "Kofi", "Lorna")
FORM_LAST = ("Ashgrove", "Birchley", "Coldharbour", "Dunmere", "Elmstead", "Foxwell", "Gildersome", "Hartswood")
TOPICS = (
    "Sleep and mental health",
    "Managing stress at work",
    "Understanding psychosis",
    "Living with voices",
    "Hope and recovery",
    "Physical health and wellbeing",
    "Building confidence",
    "Understanding depression",
)


@transaction.atomic
def populate(college, rng):
    """Every Trust staff tutor's way into teaching, plus form answers from staff not yet trained.
    Returns how many people are in the pipeline."""
    today = clock.today(college)
    delivered = dict(
        delivered_by_rows(college)
        .values("tutor_id")
        .annotate(first=Min("session__date"), last=Max("session__date"))
        .values_list("tutor_id", "first")
    )
    last_taught = dict(
        delivered_by_rows(college)
        .values("tutor_id")
        .annotate(last=Max("session__date"))
        .values_list("tutor_id", "last")
    )
    tutors = (
        Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF, employer__is_trust=True)
        .select_related("line_manager")
        .order_by("pk")
    )
    entries, histories = [], []
    for t in tutors:
        trained = (
            t.coproduction_trained_on if t.coproduction_trained_on and t.coproduction_trained_on <= today else None
        )
        anchor = trained or t.joined_on or today
        interested = min(anchor - timedelta(days=rng.randint(14, 70)), today)
        if t.joined_on and not trained:
            interested = min(t.joined_on, today)
        stages = [("interested", interested)]
        if trained:
            stages.append(("trained", trained))
        first = delivered.get(t.pk)
        if first:
            stages.append(("teaching", first))
        if t.left_on and t.left_on <= today:
            stages.append(("lapsed", t.left_on))
        elif first and last_taught[t.pk] < today - timedelta(days=365):
            stages.append(("lapsed", last_taught[t.pk] + timedelta(days=365)))
        stages.sort(key=lambda s: s[1])
        source = PipelineEntry.Source.WEB_FORM if interested >= FORM_FROM else PipelineEntry.Source.COLLEGE
        entries.append(
            PipelineEntry(
                college=college,
                name=t.full_name,
                work_email=t.email.lower(),
                profession=t.profession or "Not recorded",
                team=t.team or "Not recorded",
                line_manager_name=t.line_manager.display_name if t.line_manager else "",
                line_manager_email=t.line_manager.email if t.line_manager else "",
                topics="",
                stage=stages[-1][0],
                source=source,
                tutor=t,
                created_at=_at(interested, rng),
            )
        )
        histories.append(stages)
    # Staff who answered the form in 2019 and have not trained yet (some went quiet).
    names = [(first, last) for first in FORM_FIRST for last in FORM_LAST]
    rng.shuffle(names)
    teams = sorted({t.team for t in tutors if t.team}) or ["Community Mental Health Team"]
    professions = sorted({t.profession for t in tutors if t.profession}) or ["Mental health nurse"]
    taken = {e.work_email for e in entries}
    span = max((today - FORM_FROM).days, 1)
    for first, last in names[:14]:
        email = f"{first}.{last}@northvale-nhs.example".lower()
        if email in taken:
            continue
        on = FORM_FROM + timedelta(days=rng.randint(0, span - 1))
        stages = [("interested", on)]
        if on < today - timedelta(days=120) and rng.random() < 0.3:
            stages.append(("lapsed", on + timedelta(days=rng.randint(90, 120))))
        entries.append(
            PipelineEntry(
                college=college,
                name=f"{first} {last}",
                work_email=email,
                profession=rng.choice(professions),
                team=rng.choice(teams),
                topics=", ".join(rng.sample(TOPICS, 2)),
                stage=stages[-1][0],
                source=PipelineEntry.Source.WEB_FORM,
                created_at=_at(on, rng),
            )
        )
        histories.append(stages)
    created = PipelineEntry.objects.bulk_create(entries)
    PipelineStageChange.objects.bulk_create(
        [
            PipelineStageChange(entry_id=e.pk, stage=stage, on=on)
            for e, stages in zip(created, histories)
            for stage, on in stages
        ]
    )
    return len(created)


def _at(day, rng):
    """An aware datetime on `day` during working hours."""
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 15, 30, 45)))))
