"""The College's "today".

A real College lives on the real date. The demo College carries its own clock
(`College.clock_date`, the last day of its invented records), so that "this term", "today", the
dashboard and every "days ago" agree with the demo's calendar and what a user records on the demo
fits into it. Everything in Tandem that asks "what is today for this College?" asks here.
"""

import datetime as dt

from django.utils import timezone


def _college_of(college_or_user):
    if college_or_user is None:
        return None
    if hasattr(college_or_user, "clock_date"):
        return college_or_user
    return getattr(college_or_user, "college", None)  # a user, a tutor, a run's course...


def today(college_or_user=None):
    """Today for this College (or user's College): its clock date if it has one, else the real date."""
    college = _college_of(college_or_user)
    if college is not None and college.clock_date is not None:
        return college.clock_date
    return timezone.localdate()


def now(college_or_user=None):
    """Now for this College: on a College with its own clock, the real time of day on its date."""
    college = _college_of(college_or_user)
    real = timezone.now()
    if college is None or college.clock_date is None:
        return real
    local = timezone.localtime(real)
    return timezone.make_aware(dt.datetime.combine(college.clock_date, local.time().replace(tzinfo=None)))
