"""Writes of term planning: wish lists, terms and availability.

Every write is atomic and audited. Planner jobs and what-ifs are in `jobs` (queued) and `runner`
(run by the task worker); accepting a plan is in `accept`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from tandem.audit.services import record
from tandem.core.models import Term
from tandem.courses.models import Course, CourseRun

from .models import TutorAvailability, WishedRun, WishList
from .slots import DAYTIME_DAYSLOTS, SLOT_IDS, slot_index, term_weeks

# -- wish lists ------------------------------------------------------------------------------


@transaction.atomic
def wish_list_create(*, actor, college, term):
    if term.college_id != college.pk:
        raise ValidationError({"term": "Choose a term of your College."})
    if WishList.objects.filter(term=term).exists():
        raise ValidationError({"term": f"There is already a wish list for {term}."})
    if term_weeks(term) < 1:
        raise ValidationError({"term": f"{term} has no whole Monday-to-Friday week to plan."})
    wl = WishList.objects.create(college=college, term=term, created_by=actor)
    record(actor=actor, action="create", obj=wl, fields=["term"])
    return wl


@transaction.atomic
def term_create(*, actor, college, season, year, starts_on, ends_on):
    if Term.objects.filter(college=college, season=season, year=year).exists():
        raise ValidationError({"season": "The College already has this term."})
    term = Term(college=college, season=season, year=year, starts_on=starts_on, ends_on=ends_on)
    term.full_clean()
    term.save()
    record(actor=actor, action="create", obj=term, fields=["season", "year", "starts_on", "ends_on"])
    return term


def default_window(term, course):
    """Start weeks 1 .. the last week a run of `course` can start and still finish in the term."""
    weeks = term_weeks(term)
    return 1, max(1, weeks - course.number_of_sessions + 1)


def _check_wish(wish_list, *, course, site, online, start_week_min, start_week_max, allowed, weight):
    errors = {}
    weeks = term_weeks(wish_list.term)
    if course.college_id != wish_list.college_id:
        errors["course"] = "Choose a course of your College."
    elif course.number_of_sessions > weeks:
        errors["course"] = (
            f"{course.title} has {course.number_of_sessions} sessions: more than the {weeks} weeks of {wish_list.term}."
        )
    if not online and site is None:
        errors["venue"] = "Choose a site, or online."
    if site is not None and site.college_id != wish_list.college_id:
        errors["venue"] = "Choose a site of your College."
    if not allowed:
        errors["allowed"] = "Choose at least one day and time the run may meet."
    if weight is None or weight < 1:
        errors["weight"] = "Priority must be 1 or more."
    if start_week_min < 1 or start_week_max < start_week_min:
        errors["start_week_max"] = "The latest start week must be on or after the earliest."
    elif start_week_max > weeks:
        errors["start_week_max"] = f"{wish_list.term} has {weeks} weeks: the latest start week is {weeks} at most."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def wished_runs_add(
    *,
    actor,
    wish_list,
    items,
    allowed,
    start_week_min=None,
    start_week_max=None,
    online=False,
    site=None,
    cohort=12,
    needs_accessible=False,
):
    """items: [(course, how many runs, weight)]. The start window defaults to the whole term
    (cut to what each course's length allows). Returns the wished runs made."""
    made = []
    for course, count, weight in items:
        lo, hi = default_window(wish_list.term, course)
        a = start_week_min or lo
        b = min(start_week_max or hi, hi)
        b = max(a, b)
        _check_wish(
            wish_list,
            course=course,
            site=site,
            online=online,
            start_week_min=a,
            start_week_max=b,
            allowed=allowed,
            weight=weight,
        )
        for _ in range(count):
            made.append(
                WishedRun(
                    wish_list=wish_list,
                    course=course,
                    weight=weight,
                    allowed=allowed,
                    start_week_min=a,
                    start_week_max=b,
                    online=online,
                    site=None if online else site,
                    cohort=cohort,
                    needs_accessible=needs_accessible,
                    split_allowed=course.number_of_sessions >= 6,
                )
            )
    WishedRun.objects.bulk_create(made)
    if made:
        wish_list.save(update_fields=["updated_at"])
        record(actor=actor, action="update", obj=wish_list, fields=["runs"], note=f"{len(made)} wished runs added")
    return made


def last_year_term(term):
    return Term.objects.filter(college_id=term.college_id, season=term.season, year=term.year - 1).first()


@transaction.atomic
def wish_list_copy_last_year(*, actor, wish_list):
    """Add a wished run for every run of the same term last year (cancelled ones too: they were
    wished for), except runs cancelled for low enrolment and courses since retired. Venue and
    size as then; any weekday morning or afternoon, plus the day-slot it had; the whole term."""
    last = last_year_term(wish_list.term)
    if last is None:
        raise ValidationError(
            {
                "__all__": f"There is no {wish_list.term.get_season_display()} {wish_list.term.year - 1} term to copy from."
            }
        )
    runs = (
        CourseRun.objects.filter(term=last)
        .exclude(cancel_reason=CourseRun.CancelReason.LOW_ENROLMENT)
        .exclude(course__status=Course.Status.RETIRED)
        .select_related("course", "room")
        .order_by("start_date", "start_time", "pk")
    )
    weeks = term_weeks(wish_list.term)
    made = []
    for run in runs:
        course = run.course
        if course.number_of_sessions > weeks:
            continue
        allowed = [list(x) for x in DAYTIME_DAYSLOTS]
        if run.weekday < 5:
            own = [run.weekday, slot_index(run.start_time)]
            if own not in allowed:
                allowed.append(own)
        lo, hi = default_window(wish_list.term, course)
        made.append(
            WishedRun(
                wish_list=wish_list,
                course=course,
                weight=1,
                allowed=sorted(allowed),
                start_week_min=lo,
                start_week_max=hi,
                online=run.online or run.room_id is None,
                site=run.room.site if run.room_id and not run.online else None,
                cohort=min(run.capacity, run.room.capacity) if run.room_id else run.capacity,
                needs_accessible=False,
                split_allowed=course.number_of_sessions >= 6,
            )
        )
    WishedRun.objects.bulk_create(made)
    record(
        actor=actor, action="update", obj=wish_list, fields=["runs"], note=f"{len(made)} wished runs copied from {last}"
    )
    return last, made


@transaction.atomic
def wished_run_update(*, actor, wished_run, **fields):
    if wished_run.accepted_run_id:
        raise ValidationError({"__all__": "This wish is already on the timetable: change the run there instead."})
    for key, value in fields.items():
        setattr(wished_run, key, value)
    if wished_run.online:
        wished_run.site = None
    _check_wish(
        wished_run.wish_list,
        course=wished_run.course,
        site=wished_run.site,
        online=wished_run.online,
        start_week_min=wished_run.start_week_min,
        start_week_max=wished_run.start_week_max,
        allowed=wished_run.allowed,
        weight=wished_run.weight,
    )
    wished_run.save()
    record(actor=actor, action="update", obj=wished_run, fields=list(fields))
    return wished_run


@transaction.atomic
def wished_run_delete(*, actor, wished_run):
    if wished_run.accepted_run_id:
        raise ValidationError({"__all__": "This wish is already on the timetable: cancel the run there instead."})
    record(actor=actor, action="delete", obj=wished_run, fields=["course"])
    wished_run.delete()


# -- availability ----------------------------------------------------------------------------


@transaction.atomic
def availability_set(*, actor, tutor, dayslots):
    """Replace the tutor's weekly availability with `dayslots` ([[day, slot], ...])."""
    wanted = {(int(d), int(s)) for d, s in dayslots}
    if any(not (0 <= d < 5 and 0 <= s < len(SLOT_IDS)) for d, s in wanted):
        raise ValidationError({"dayslots": "Choose weekday times only."})
    TutorAvailability.objects.filter(tutor=tutor).delete()
    TutorAvailability.objects.bulk_create(
        [TutorAvailability(tutor=tutor, weekday=d, slot=SLOT_IDS[s]) for d, s in sorted(wanted)]
    )
    record(actor=actor, action="update", obj=tutor, fields=["availability"], note=f"{len(wanted)} day-slots")
