import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from tandem.courses.models import Session
from tandem.release import services
from tandem.release.models import ReleaseBudget, ReleaseRequest

from .factories import make_request, other_manager, other_manager_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    world.manager.email = "manager@example.nhs.uk"
    world.manager.save()
    world.session2 = Session.objects.create(
        run=world.run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12)
    )
    mail.outbox.clear()
    return world


def test_tutor_asks_in_two_steps(w, client, django_capture_on_commit_callbacks):
    client.force_login(w.tutor_user)
    page = client.get(reverse("release:new"))
    assert (
        page.status_code == 200 and "Your request goes to your line manager, Manager Persona" in page.content.decode()
    )
    step2 = reverse("release:new") + f"?kind=run&run={w.run.pk}"
    page = client.get(step2)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sessions to ask release for" in body and "Tue 03 Sep 2019" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step2, {"sessions": [w.session.pk, w.session2.pk], "purpose": "Co-deliver the course"})
    rr = ReleaseRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("release:detail", args=[rr.pk])
    assert rr.tutor == w.staff and rr.requested_by == w.tutor_user and rr.hours == Decimal("4.00")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["manager@example.nhs.uk"]
    detail = client.get(response["Location"]).content.decode()
    assert "Request sent" in detail and "Waiting for a decision" in detail and "Withdraw this request" in detail


def test_tutor_cannot_ask_for_someone_else(w, client):
    client.force_login(w.tutor_user)
    # The tutor field is forced to the tutor's own record whatever is sent.
    response = client.post(
        reverse("release:new") + f"?tutor={w.unmanaged.pk}&kind=run&run={w.run.pk}",
        {"sessions": [w.session.pk], "purpose": "x"},
    )
    assert response.status_code == 302
    assert ReleaseRequest.objects.get().tutor == w.staff


def test_peer_tutor_account_is_told_only_staff_ask(w, client):
    client.force_login(w.peer_user)
    page = client.get(reverse("release:new"))
    assert page.status_code == 200 and "Only staff tutors ask" in page.content.decode()


def test_step_one_errors(w, client):
    client.force_login(w.admin)
    page = client.get(reverse("release:new") + "?kind=run")
    body = page.content.decode()
    assert "Choose the staff tutor who asks for release" in body and "Choose the course run" in body
    assert "There is a problem" in body


def test_admin_asks_for_coproduction_on_behalf(w, client):
    client.force_login(w.admin)
    url = reverse("release:new") + f"?tutor={w.staff.pk}&kind=coproduction"
    response = client.post(url, {"hours": "7.5", "starts_on": "2019-10-01", "ends_on": "2019-09-01", "purpose": "x"})
    assert "The end date must be on or after the start date" in response.content.decode()
    response = client.post(url, {"hours": "7.5", "starts_on": "2019-10-01", "ends_on": "", "purpose": "New course"})
    assert response.status_code == 302
    rr = ReleaseRequest.objects.get()
    assert rr.kind == "coproduction" and rr.requested_by == w.admin and rr.hours == Decimal("7.5")


def test_manager_without_email_is_flagged(w, client):
    w.manager.email = ""
    w.manager.save()
    client.force_login(w.tutor_user)
    response = client.post(
        reverse("release:new") + f"?kind=run&run={w.run.pk}", {"sessions": [w.session.pk], "purpose": "x"}, follow=True
    )
    assert "has no email address on record" in response.content.decode()


def test_manager_approves_in_part(w, client):
    rr = make_request(w)
    client.force_login(w.manager)
    page = client.get(reverse("release:decide", args=[rr.pk]))
    assert page.status_code == 200 and "Approve in part" in page.content.decode()
    response = client.post(reverse("release:decide", args=[rr.pk]), {"decision": "approve_part"})
    assert "Choose the sessions you approve" in response.content.decode()
    response = client.post(
        reverse("release:decide", args=[rr.pk]), {"decision": "approve_part", "sessions": [w.session.pk]}
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    assert rr.status == "partly_approved"


def test_manager_declines_with_reason_and_sees_conflict_on_second_try(w, client):
    rr = make_request(w)
    client.force_login(w.manager)
    url = reverse("release:decide", args=[rr.pk])
    response = client.post(url, {"decision": "decline"})
    assert "Choose why you decline the request" in response.content.decode()
    response = client.post(url, {"decision": "decline", "reason": "other"})
    assert "Say why you decline the request" in response.content.decode()
    assert client.post(url, {"decision": "decline", "reason": "course_too_long"}).status_code == 302
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 409
    assert "This request has already been declined" in response.content.decode()
    # GET now shows the decision, with no form.
    assert "nothing more to decide" in client.get(url).content.decode()


def test_budget_refusal_shows_on_the_decision_form(w, client):
    ReleaseBudget.objects.create(tutor=w.staff, term=w.term, hours=Decimal("1"))
    rr = make_request(w, hours=Decimal("4"))
    client.force_login(w.manager)
    response = client.post(reverse("release:decide", args=[rr.pk]), {"decision": "approve"})
    assert response.status_code == 200
    assert (
        "would exceed Sam Staff" in response.content.decode() and "1 of 1 hours are left" in response.content.decode()
    )


def test_another_line_manager_gets_404(w, client):
    rr = make_request(w)
    other, _ = other_manager(w)
    client.force_login(other)
    assert client.get(reverse("release:decide", args=[rr.pk])).status_code == 404
    assert client.post(reverse("release:decide", args=[rr.pk]), {"decision": "approve"}).status_code == 404
    assert client.get(reverse("release:detail", args=[rr.pk])).status_code == 404
    rr.refresh_from_db()
    assert rr.status == "pending"


def test_withdraw_view(w, client):
    rr = make_request(w)
    client.force_login(w.tutor_user)
    assert "Withdraw the request" in client.get(reverse("release:withdraw", args=[rr.pk])).content.decode()
    assert client.post(reverse("release:withdraw", args=[rr.pk])).status_code == 302
    assert client.post(reverse("release:withdraw", args=[rr.pk])).status_code == 409
    theirs = other_manager_request(w)
    assert client.post(reverse("release:withdraw", args=[theirs.pk])).status_code == 404


def test_list_filters_by_status(w, client):
    rr = make_request(w)
    services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    make_request(w, run=w.gap_run, sessions=[])
    client.force_login(w.manager)
    body = client.get(reverse("release:list")).content.decode()
    assert "1 request waiting for your decision" in body and "2 requests" in body
    body = client.get(reverse("release:list") + "?status=approved").content.decode()
    assert "1 request<" in body


def test_budgets_pages(w, client):
    client.force_login(w.manager)
    body = client.get(reverse("release:budgets") + f"?term={w.term.pk}").content.decode()
    assert "Sam Staff" in body and "Una Other" not in body  # only their own staff
    response = client.post(reverse("release:budget", args=[w.staff.pk]), {"term": w.term.pk, "hours": "24"})
    assert response.status_code == 302
    assert ReleaseBudget.objects.get(tutor=w.staff, term=w.term).hours == Decimal("24")
    assert (
        client.post(reverse("release:budget", args=[w.unmanaged.pk]), {"term": w.term.pk, "hours": "2"}).status_code
        == 404
    )


def test_detail_links_to_the_run_only_when_the_user_may_open_it(w, client):
    """A tutor asks for release for a run they are not on yet (w.gap_run): they may not open that
    run, so its page is not linked for them; their line manager (who decides the request) and the
    College admin may, and get the link."""
    rr = make_request(w, run=w.gap_run, sessions=[])
    run_url = reverse("courses:run", args=[w.gap_run.pk])
    for user, linked in ((w.tutor_user, False), (w.manager, True), (w.admin, True)):
        client.force_login(user)
        body = client.get(reverse("release:detail", args=[rr.pk])).content.decode()
        assert (run_url in body) == linked, user.username
        assert (client.get(run_url).status_code == 200) == linked, user.username
    on_run = make_request(w)  # a run the tutor teaches: linked
    client.force_login(w.tutor_user)
    assert (
        reverse("courses:run", args=[w.run.pk])
        in client.get(reverse("release:detail", args=[on_run.pk])).content.decode()
    )
