import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tandem.courses import services
from tandem.courses.models import Session
from tandem.courses.selectors import visible_runs, with_gap_flags

pytestmark = pytest.mark.django_db


def test_session_delivered_by_a_pair_is_recorded(world):
    session = services.session_record_delivery(
        actor=world.admin, session=world.session, tutors=[world.peer, world.staff]
    )
    session.refresh_from_db()
    assert session.status == "delivered" and (session.peer_count, session.staff_count) == (1, 1)


@pytest.mark.parametrize("who,missing", [("peer", "a staff tutor"), ("staff", "a peer tutor")])
def test_session_without_both_kinds_is_refused(world, who, missing):
    with pytest.raises(ValidationError) as exc:
        services.session_record_delivery(actor=world.admin, session=world.session, tutors=[getattr(world, who)])
    assert missing in str(exc.value)
    world.session.refresh_from_db()
    assert world.session.status == "scheduled"


def test_database_refuses_a_delivered_session_without_a_pair(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=world.session.pk).update(status="delivered", peer_count=1, staff_count=0)


def test_course_needs_peer_and_staff_co_producers(world):
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=world.admin,
            college=world.college,
            co_producers=[world.staff],
            title="Sleep well",
            topic="Living well",
            number_of_sessions=2,
            hours_per_session=2,
        )
    assert "co_producers" in exc.value.message_dict
    course = services.course_create(
        actor=world.admin,
        college=world.college,
        co_producers=[world.staff, world.peer],
        title="Sleep well",
        topic="Living well",
        number_of_sessions=2,
        hours_per_session=2,
    )
    assert set(course.co_producers.all()) == {world.staff, world.peer}


def test_run_without_a_staff_tutor_is_a_gap_not_dropped(world, client):
    runs = {r.pk: r for r in with_gap_flags(visible_runs(world.admin).filter(term=world.term))}
    assert runs[world.gap_run.pk].is_gap and not runs[world.run.pk].is_gap
    client.force_login(world.admin)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Gaps this term" in page and "staff tutor" in page


def test_gap_counts_every_tutor_even_for_a_tutor_viewer(world):
    # A tutor's own view filters runs by their membership; the gap flag must still count both tutors.
    runs = with_gap_flags(visible_runs(world.tutor_user).filter(term=world.term))
    assert [r.pk for r in runs] == [world.run.pk] and not runs[0].is_gap


def test_cancelled_run_says_why(world):
    services.run_cancel(actor=world.admin, run=world.gap_run, reason="no_staff_tutor")
    world.gap_run.refresh_from_db()
    assert world.gap_run.get_cancel_reason_display() == "No staff tutor"
    with pytest.raises(ValidationError):
        services.run_cancel(actor=world.admin, run=world.run, reason="")


def test_database_refuses_cancelled_run_without_reason(world):
    from tandem.courses.models import CourseRun

    with pytest.raises(IntegrityError), transaction.atomic():
        CourseRun.objects.filter(pk=world.run.pk).update(status="cancelled", cancel_reason="")


def test_timetable_other_term_from_other_college_is_404(world, client):
    client.force_login(world.admin)
    assert client.get(reverse("courses:timetable"), {"term": world.other_term.pk}).status_code == 404
    assert client.get(reverse("courses:timetable"), {"term": world.term.pk}).status_code == 200


def test_session_hours(world):
    assert world.session.hours == 2.0
    assert dt.date(2019, 9, 3) == world.session.date
