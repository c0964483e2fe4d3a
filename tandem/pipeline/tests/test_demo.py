"""The demo staff-tutor pipeline, on the demo College (tandem.demo.generate)."""

import random

import pytest

from tandem.demo.generate import generate
from tandem.pipeline import demo
from tandem.pipeline.models import PipelineEntry, PipelineStageChange
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_college(django_db_setup, django_db_blocker):
    """The demo College, generated once for the module in a transaction of its own that is rolled
    back at the module's end; each test runs in a savepoint inside it (its changes rolled back)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        summary = generate(seed=2019)
        assert summary["areas"]["pipeline"] == PipelineEntry.objects.count() > 0
        # generate() already wrote the pipeline: clear it so each test populates it itself from a
        # known random stream.
        PipelineEntry.objects.all().delete()
        yield summary["college"]
        transaction.set_rollback(True)


@pytest.fixture
def college(demo_college):
    from tandem.core.models import College

    return College.objects.get(slug=demo_college)


def history(college):
    return sorted(
        PipelineStageChange.objects.filter(entry__college=college).values_list("entry__work_email", "stage", "on")
    )


def test_demo_pipeline_follows_the_tutor_records(college):
    count = demo.populate(college, random.Random(2019))
    entries = PipelineEntry.objects.filter(college=college)
    assert entries.count() == count
    # Every Trust staff tutor, and form answers from staff not trained yet; stages in date order.
    trust_staff = Tutor.objects.filter(college=college, kind=Tutor.Kind.STAFF, employer__is_trust=True)
    assert set(entries.filter(tutor__isnull=False).values_list("tutor", flat=True)) == set(
        trust_staff.values_list("pk", flat=True)
    )
    assert entries.filter(tutor__isnull=True, source="web_form").count() >= 10
    for entry in entries.prefetch_related("changes")[:100]:
        days = [c.on for c in entry.changes.all()]
        assert days == sorted(days) and entry.stage == entry.changes.all()[len(days) - 1].stage
        assert days[-1] <= college.clock_date
    assert PipelineStageChange.objects.filter(entry__college=college, stage="teaching").exists()


def test_demo_pipeline_is_deterministic(college):
    demo.populate(college, random.Random(7))
    first = history(college)
    PipelineEntry.objects.all().delete()
    demo.populate(college, random.Random(7))
    assert history(college) == first
