"""The demo release history and stories, on the demo College (tandem.demo.generate). The
pipeline's is in tandem/pipeline/tests/test_demo.py."""

import random
from collections import defaultdict

import pytest

from tandem.demo.generate import generate
from tandem.release import demo
from tandem.release.models import ReleaseBudget, ReleaseRequest
from tandem.stories import demo as stories_demo
from tandem.stories import services as story_services
from tandem.stories.models import Consent, Story
from tandem.stories.selectors import stories_for_channel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
RR = ReleaseRequest


@pytest.fixture(scope="module")
def demo_college(django_db_setup, django_db_blocker):
    """The demo College, generated once for the module in a transaction of its own that is rolled
    back at the module's end; each test runs in a savepoint inside it (its changes rolled back)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        summary = generate(seed=2019)
        # generate() already ran these areas' demos; clear their records so each test populates
        # them itself from a known random stream.
        RR.objects.all().delete()
        ReleaseBudget.objects.all().delete()
        Story.objects.all().delete()
        yield summary["college"]
        transaction.set_rollback(True)


@pytest.fixture
def college(demo_college):
    from tandem.core.models import College

    return College.objects.get(slug=demo_college)


def rates(college, before_year):
    agg = defaultdict(lambda: [0, 0])
    rows = RR.objects.filter(college=college, run__isnull=False, status__in=RR.DECIDED_STATUSES).values_list(
        "status", "run__course__number_of_sessions", "decided_at"
    )
    for status, n, decided in rows:
        if decided.year >= before_year:
            continue
        band = "1" if n <= 1 else "2-5" if n <= 5 else "6+"
        agg[band][0] += status != RR.Status.DECLINED
        agg[band][1] += 1
    return {band: a / n for band, (a, n) in agg.items()}


def snapshot(college):
    return sorted(
        RR.objects.filter(college=college).values_list(
            "tutor__email",
            "run__start_date",
            "run__course__title",
            "status",
            "decline_reason",
            "requested_at",
            "decided_at",
        ),
        key=repr,
    )


def test_demo_release_history_tells_the_story(college):
    summary = demo.populate(college, random.Random(2019))
    assert summary["approved"] > 400 and summary["declined"] > 300 and summary["pending"] == 2
    before = rates(college, 2019)
    assert before["6+"] < before["2-5"] < before["1"]  # longer courses were refused more often
    after = defaultdict(lambda: [0, 0])
    for status, n, _decided in RR.objects.filter(
        college=college,
        run__isnull=False,
        status__in=RR.DECIDED_STATUSES,
        decided_at__year=2019,
        decided_at__month__gte=4,
    ).values_list("status", "run__course__number_of_sessions", "decided_at"):
        after["6+" if n >= 6 else "rest"][0] += status != "declined"
        after["6+" if n >= 6 else "rest"][1] += 1
    assert after["6+"][0] / after["6+"][1] > before["6+"]  # approval improved in 2019
    # Declines by course length: "too long" is the commonest reason for 6+ session runs, never for 1.
    reasons = defaultdict(lambda: defaultdict(int))
    for reason, n in RR.objects.filter(college=college, status="declined", run__isnull=False).values_list(
        "decline_reason", "run__course__number_of_sessions"
    ):
        reasons["6+" if n >= 6 else "1" if n == 1 else "2-5"][reason] += 1
    assert max(reasons["6+"], key=reasons["6+"].get) == "course_too_long"
    assert reasons["1"]["course_too_long"] == 0
    # Consistent with the records: a declined tutor is not on the run; every staffed run was approved.
    for rr in RR.objects.filter(college=college, status="declined", run__isnull=False).select_related("run")[:200]:
        assert not rr.run.tutors.filter(pk=rr.tutor_id).exists()
    for rr in RR.objects.filter(college=college, status="approved", run__isnull=False)[:200]:
        assert rr.run.tutors.filter(pk=rr.tutor_id).exists()
        days = (rr.run.start_date - rr.requested_at.date()).days
        assert 1 <= days <= 70
        assert 0 <= (rr.decided_at - rr.requested_at).days <= 20
    assert ReleaseBudget.objects.filter(tutor__college=college).exists()


def test_demo_is_deterministic(college):
    demo.populate(college, random.Random(7))
    first = snapshot(college)
    RR.objects.all().delete()
    ReleaseBudget.objects.all().delete()
    demo.populate(college, random.Random(7))
    assert snapshot(college) == first


def test_demo_stories(college):
    assert stories_demo.populate(college, random.Random(2019)) == 12
    stories = Story.objects.filter(college=college)
    assert stories.count() == 12
    consents = Consent.objects.filter(story__college=college)
    assert consents.filter(withdrawn_on__isnull=False).count() == 1
    assert consents.filter(named=False).count() >= 3
    assert consents.filter(scope="internal").count() >= 3 and consents.filter(scope="external").count() >= 3
    assert stories_for_channel(college, "internal").count() == 11
    external = list(stories_for_channel(college, "external"))
    assert 3 <= len(external) < 11
    for story in stories:
        story_services._check_story(story)  # every pull quote is the story's own words
    assert {s.author_kind for s in stories} == {"staff_tutor", "peer_tutor", "student"}
