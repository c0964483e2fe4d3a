"""Process measures of release, computed from the records (the staff-tutor pipeline's are in
tandem.pipeline.measures).

Months are calendar months in the College's time zone. Zero is not missing: a count is 0 in
every active month (tandem.qi.measures.active_months: the College delivered sessions, or a
release request was made or decided) in which nothing was counted, and missing (null) only in the
other months. The rates and the median are null in a month with no decisions of their kind (nothing
to divide or take the median of).
"""

from collections import defaultdict
from statistics import median

from django.utils import timezone

from tandem.qi.measures import counts_in_active_months, measure, month_key

from .models import ReleaseRequest

RR = ReleaseRequest


def _month(dt):
    return month_key(timezone.localtime(dt) if timezone.is_aware(dt) else dt)


def _requests(college):
    return RR.objects.filter(college=college)


def _decided(college):
    return _requests(college).filter(status__in=RR.DECIDED_STATUSES, decided_at__isnull=False)


def _count_by_month(datetimes):
    out = defaultdict(int)
    for dt in datetimes:
        out[_month(dt)] += 1
    return dict(out)


def _release_months(college):
    """Months in which release requests were in use: any request made, or any decided."""
    made = _requests(college).values_list("requested_at", flat=True)
    decided = _requests(college).filter(decided_at__isnull=False).values_list("decided_at", flat=True)
    return {_month(dt) for dt in made} | {_month(dt) for dt in decided}


def _release_counts(college, datetimes):
    """A release count per month: 0 in an active month without one (the College teaching, or
    requests made or decided), missing only where requests could be neither made nor decided."""
    return counts_in_active_months(college, _count_by_month(datetimes), _release_months(college))


RELEASE_FREQUENCY = (
    "Monthly; 0 in a month in which the College delivered sessions or release requests were "
    "made or decided, but none {what}; missing in a month with none of these (the summer break "
    "with no requests)"
)


@measure(
    key="release_requests_made",
    name="Release requests made",
    kind="process",
    improvement="increase",
    definition="Release requests (for a course run or co-production work) made by or for staff tutors, "
    "counted in the month they were made, whatever became of them. Source: release requests.",
    population="Staff tutors asking their line manager for release",
    numerator="Requests made in the month",
    denominator="None (a count)",
    source="Tandem release requests (date made, date and outcome of the decision)",
    frequency=RELEASE_FREQUENCY.format(what="was made"),
)
def release_requests_made(college):
    return _release_counts(college, _requests(college).values_list("requested_at", flat=True))


@measure(
    key="release_requests_approved",
    name="Release requests approved",
    kind="process",
    improvement="increase",
    definition="Release requests approved in full or in part, counted in the month of the decision. "
    "Source: release requests.",
    population="Release requests decided by line managers",
    numerator="Requests approved (in full or in part) in the month",
    denominator="None (a count)",
    source="Tandem release requests (date made, date and outcome of the decision)",
    frequency=RELEASE_FREQUENCY.format(what="was approved"),
)
def release_requests_approved(college):
    return _release_counts(
        college, _decided(college).filter(status__in=RR.APPROVED_STATUSES).values_list("decided_at", flat=True)
    )


@measure(
    key="release_requests_declined",
    name="Release requests declined",
    kind="process",
    improvement="decrease",
    definition="Release requests declined by the line manager (any reason), counted in the month of the "
    "decision. Withdrawn and expired requests are not counted. Source: release requests.",
    population="Release requests decided by line managers",
    numerator="Requests declined in the month",
    denominator="None (a count)",
    source="Tandem release requests (date made, date and outcome of the decision)",
    frequency=RELEASE_FREQUENCY.format(what="was declined"),
)
def release_requests_declined(college):
    return _release_counts(
        college, _decided(college).filter(status=RR.Status.DECLINED).values_list("decided_at", flat=True)
    )


def _approval_rate(college, low, high):
    # The run's course is the College's own (as the request is): saying so lets the database start
    # from the College's courses of that length (index course_college_length), not every College's.
    qs = _decided(college).filter(
        run__isnull=False, run__course__college=college, run__course__number_of_sessions__gte=low
    )
    if high is not None:
        qs = qs.filter(run__course__number_of_sessions__lte=high)
    approved, decided = defaultdict(int), defaultdict(int)
    for status, at in qs.order_by().values_list("status", "decided_at"):
        m = _month(at)
        decided[m] += 1
        if status in RR.APPROVED_STATUSES:
            approved[m] += 1
    return {m: approved[m] / n for m, n in decided.items() if n}


RATE_FIELDS = dict(
    denominator="Requests for such runs approved or declined in the month (withdrawn and expired left out)",
    source="Tandem release requests and the course's number of sessions",
    frequency="Monthly; a month with no such decisions is missing",
)


def _rate_definition(band):
    return (
        f"Of the release requests for runs of {band} decided in the month, the share approved in full "
        "or in part: approved / (approved + declined), by the course's number of sessions. Missing in a "
        "month with no such decisions. Source: release requests."
    )


@measure(
    key="release_approval_rate_1",
    name="Release approval rate, 1-session courses",
    kind="process",
    unit="proportion",
    improvement="increase",
    definition=_rate_definition("1-session courses"),
    population="Release requests for runs of 1-session courses",
    numerator="Approved in full or in part",
    **RATE_FIELDS,
)
def release_approval_rate_1(college):
    return _approval_rate(college, 1, 1)


@measure(
    key="release_approval_rate_2_5",
    name="Release approval rate, 2–5-session courses",
    kind="process",
    unit="proportion",
    improvement="increase",
    definition=_rate_definition("courses of 2 to 5 sessions"),
    population="Release requests for runs of 2–5-session courses",
    numerator="Approved in full or in part",
    **RATE_FIELDS,
)
def release_approval_rate_2_5(college):
    return _approval_rate(college, 2, 5)


@measure(
    key="release_approval_rate_6_plus",
    name="Release approval rate, courses of 6 or more sessions",
    kind="process",
    unit="proportion",
    improvement="increase",
    definition=_rate_definition("courses of 6 or more sessions"),
    population="Release requests for runs of courses of 6 or more sessions",
    numerator="Approved in full or in part",
    **RATE_FIELDS,
)
def release_approval_rate_6_plus(college):
    return _approval_rate(college, 6, None)


@measure(
    key="release_days_to_decision",
    name="Days from release request to decision (median)",
    kind="process",
    unit="days",
    improvement="decrease",
    definition="Median of the days from a release request being made to its decision (approved, approved "
    "in part or declined), over the requests decided in the month. Source: release requests.",
    population="Release requests decided in the month",
    numerator="Median days from request to decision",
    denominator="None (a median)",
    source="Tandem release requests (date made, date and outcome of the decision)",
    frequency="Monthly; a month with no decisions is missing",
)
def release_days_to_decision(college):
    days = defaultdict(list)
    for requested, decided in _decided(college).values_list("requested_at", "decided_at"):
        days[_month(decided)].append((decided - requested).total_seconds() / 86400)
    return {m: round(median(v), 1) for m, v in days.items()}
