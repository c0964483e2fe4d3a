from django.db.models import Count, Q

from tandem.core import versions
from tandem.courses.models import Course, CourseRun
from tandem.tutors.models import Tutor


def headline_counts(college):
    """The dashboard's counts, once per version of the College's records (tandem.core.versions)."""
    return versions.cached(college.pk, ["headline-counts"], lambda: _headline_counts(college))


def _headline_counts(college):
    tutors = Tutor.objects.filter(college=college).aggregate(
        peer=Count("id", filter=Q(kind="peer", status="active")),
        staff=Count("id", filter=Q(kind="staff", status="active")),
        trust_staff=Count("id", filter=Q(kind="staff", status="active", employer__is_trust=True)),
    )
    return {
        "active_peer_tutors": tutors["peer"],
        "active_staff_tutors": tutors["staff"],
        "active_trust_staff_tutors": tutors["trust_staff"],
        "active_courses": Course.objects.filter(college=college, status=Course.Status.ACTIVE).count(),
        "runs_cancelled_no_staff": CourseRun.objects.filter(
            course__college=college, cancel_reason=CourseRun.CancelReason.NO_STAFF_TUTOR
        ).count(),
    }
