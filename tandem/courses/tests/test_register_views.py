"""The session register: delivered (by whom, how many came) or cancelled (why); refusals named on
the page; corrections audited; a tutor's My sessions; the admin's unrecorded list."""

import datetime as dt

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses import services
from tandem.courses.models import CourseRun, Session
from tandem.qi.measures import series

pytestmark = pytest.mark.django_db


def record_url(session):
    return reverse("courses:session_record", args=[session.pk])


def test_admin_records_a_delivered_session_and_the_outcome_measure_counts_it(world, client):
    client.force_login(world.admin)
    page = client.get(record_url(world.session)).content.decode()
    # The run's pair is ticked already.
    assert page.count("checked") >= 3  # "delivered" and both tutors
    response = client.post(
        record_url(world.session),
        {"outcome": "delivered", "delivered_by": [world.peer.pk, world.staff.pk], "head_count": "11"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("courses:run", args=[world.run.pk])
    world.session.refresh_from_db()
    assert (world.session.status, world.session.head_count) == ("delivered", 11)
    values = {row["period"]: row["value"] for row in series(world.college, "staff_tutors_teaching")}
    assert values["2019-09"] == 1  # Sam, Trust staff, delivered in September 2019
    world.run.refresh_from_db()
    assert world.run.status == "completed"  # its only session is recorded
    assert AuditEvent.objects.filter(
        object_type="courses.Session", object_id=str(world.session.pk), action="deliver"
    ).exists()


def test_a_delivery_with_only_a_peer_is_refused_on_the_page_and_nothing_is_saved(world, client):
    client.force_login(world.admin)
    response = client.post(record_url(world.session), {"outcome": "delivered", "delivered_by": [world.peer.pk]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "A session is co-delivered: add a staff tutor before recording it as delivered." in body
    assert "There is a problem" in body
    world.session.refresh_from_db()
    assert world.session.status == "scheduled" and not world.session.delivered_by.exists()


def test_a_stand_in_counts_as_who_delivered_it(world, client):
    client.force_login(world.admin)
    response = client.post(
        record_url(world.session),
        {"outcome": "delivered", "delivered_by": [world.peer.pk], "stand_in": world.unmanaged.pk},
    )
    assert response.status_code == 302
    assert set(world.session.delivered_by.all()) == {world.peer, world.unmanaged}


def test_the_empty_and_nonsense_register_forms_are_refused_plainly(world, client):
    client.force_login(world.admin)
    body = client.post(record_url(world.session), {}).content.decode()
    assert "Choose whether the session was delivered or cancelled" in body
    body = client.post(record_url(world.session), {"outcome": "cancelled"}).content.decode()
    assert "Choose why the session was cancelled" in body
    body = client.post(
        record_url(world.session),
        {"outcome": "delivered", "delivered_by": ["x", "99999"], "head_count": "-4", "stand_in": "zz"},
    ).content.decode()
    assert "There is a problem" in body
    world.session.refresh_from_db()
    assert world.session.status == "scheduled"


def test_a_cancelled_session_says_why(world, client):
    client.force_login(world.admin)
    body = client.post(record_url(world.session), {"outcome": "cancelled", "cancel_reason": "other"}).content.decode()
    assert "Say why the session was cancelled" in body
    response = client.post(record_url(world.session), {"outcome": "cancelled", "cancel_reason": "venue"})
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert (world.session.status, world.session.cancel_reason) == ("cancelled", "venue")


def test_a_correction_is_allowed_and_audited_with_the_fields_that_changed(world, client):
    services.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    client.force_login(world.admin)
    assert "Correct the record of" in client.get(record_url(world.session)).content.decode()
    response = client.post(
        record_url(world.session),
        {"outcome": "delivered", "delivered_by": [world.peer.pk, world.staff.pk], "head_count": "9"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="courses.Session", action="correct").latest("at")
    assert event.fields == ["head_count"] and event.actor == world.admin and "9" not in event.note


def test_a_correction_cannot_undo_a_payment_already_approved(world, client):
    from tandem.payments.tests.factories import payment_for_peer

    payment = payment_for_peer(world, status="approved")
    client.force_login(world.admin)
    body = client.post(record_url(payment.session), {"outcome": "cancelled", "cancel_reason": "venue"}).content.decode()
    assert "Pat Peer&#39;s payment for this session is approved" in body
    payment.session.refresh_from_db()
    assert payment.session.status == "delivered"


def test_a_correction_withdraws_a_payment_still_waiting_for_approval(world, client):
    from tandem.payments.models import Payment
    from tandem.payments.tests.factories import payment_for_peer

    payment = payment_for_peer(world, status="pending")
    client.force_login(world.admin)
    response = client.post(record_url(payment.session), {"outcome": "cancelled", "cancel_reason": "tutor_unwell"})
    assert response.status_code == 302
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="payments.Payment", object_id=str(payment.pk), action="delete"
    ).exists()


def test_a_future_session_cannot_be_recorded_yet(world, client):
    future = Session.objects.create(
        run=world.run, date=dt.date.today() + dt.timedelta(days=3), start_time=dt.time(10), end_time=dt.time(12)
    )
    client.force_login(world.admin)
    body = client.post(
        record_url(future), {"outcome": "delivered", "delivered_by": [world.peer.pk, world.staff.pk]}
    ).content.decode()
    assert "record it on or after that day" in body
    future.refresh_from_db()
    assert future.status == "scheduled"


def test_a_tutor_records_their_session_in_one_tap_from_my_sessions(world, client):
    client.force_login(world.tutor_user)
    page = client.get(reverse("courses:my_sessions")).content.decode()
    assert "Earlier sessions still to record" in page and "Understanding anxiety" in page
    assert reverse("courses:session_delivered", args=[world.session.pk]) in page
    response = client.post(reverse("courses:session_delivered", args=[world.session.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("courses:my_sessions")
    world.session.refresh_from_db()
    assert world.session.status == "delivered" and set(world.session.delivered_by.all()) == {world.peer, world.staff}
    page = client.get(reverse("courses:my_sessions")).content.decode()
    assert "every earlier session of yours is recorded" in page


def test_one_tap_is_refused_plainly_when_the_run_lacks_a_pair(world, client):
    session = Session.objects.create(
        run=world.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16)
    )
    client.force_login(world.peer_user)
    response = client.post(reverse("courses:session_delivered", args=[session.pk]), follow=True)
    assert "add a staff tutor before recording it as delivered" in response.content.decode()
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_a_tutor_cannot_record_another_runs_session_or_correct_a_record(world, client):
    session = Session.objects.create(
        run=world.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16)
    )
    client.force_login(world.tutor_user)  # Sam is not on the gap run
    assert client.post(reverse("courses:session_delivered", args=[session.pk])).status_code == 404
    assert client.post(record_url(session), {"outcome": "cancelled", "cancel_reason": "venue"}).status_code == 404
    services.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    response = client.post(record_url(world.session), {"outcome": "cancelled", "cancel_reason": "venue"})
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert world.session.status == "delivered"


@pytest.mark.parametrize("role", ["qi_team", "line_manager", "leader"])
def test_other_roles_cannot_record_sessions(world, client, role):
    client.force_login(world.users[role])
    assert client.post(reverse("courses:session_delivered", args=[world.session.pk])).status_code == 403
    assert client.post(record_url(world.session), {"outcome": "cancelled", "cancel_reason": "venue"}).status_code == 403


def test_get_on_the_one_tap_record_is_not_allowed(world, client):
    client.force_login(world.tutor_user)
    assert client.get(reverse("courses:session_delivered", args=[world.session.pk])).status_code == 405


def test_admin_records_several_unrecorded_sessions_at_once(world, client):
    second = Session.objects.create(
        run=world.run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12)
    )
    gap_session = Session.objects.create(
        run=world.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16)
    )
    client.force_login(world.admin)
    page = client.get(reverse("courses:unrecorded")).content.decode()
    assert "3 past sessions of the College are not yet recorded" in page and "Needs a staff tutor" in page
    body = client.post(reverse("courses:unrecorded"), {"sessions": [world.session.pk, gap_session.pk]}).content.decode()
    assert "Choose sessions from the list" in body or "add a staff tutor" in body
    world.session.refresh_from_db()
    assert world.session.status == "scheduled"  # all or nothing
    response = client.post(reverse("courses:unrecorded"), {"sessions": [world.session.pk, second.pk]})
    assert response.status_code == 302
    assert set(Session.objects.filter(run=world.run).values_list("status", flat=True)) == {"delivered"}
    assert (
        "1 past session of the College is not yet recorded"
        in client.get(reverse("courses:unrecorded")).content.decode()
    )


def test_the_dashboard_counts_unrecorded_past_sessions(world, client):
    client.force_login(world.admin)
    body = client.get("/").content.decode()
    assert "1 past session not recorded" in body and reverse("courses:unrecorded") in body
    client.force_login(world.tutor_user)
    assert reverse("courses:my_sessions") in client.get("/").content.decode()
    services.session_record_delivery(actor=world.admin, session=world.session, tutors=[world.peer, world.staff])
    client.force_login(world.admin)
    assert "past session not recorded" not in client.get("/").content.decode()


def test_a_cancelled_runs_sessions_are_not_asked_for(world, client):
    services.run_cancel(actor=world.admin, run=world.run, reason=CourseRun.CancelReason.NO_ROOM)
    client.force_login(world.admin)
    assert "Every past session is recorded" in client.get(reverse("courses:unrecorded")).content.decode()
