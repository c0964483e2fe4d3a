import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import Session
from tandem.courses.selectors import visible_runs, with_gap_flags
from tandem.release import services
from tandem.release.models import ReleaseBudget, ReleaseRequest
from tandem.release.selectors import release_status_for_runs
from tandem.release.tasks import release_reminders

from .factories import days_ago, make_request, other_manager, other_manager_request

pytestmark = pytest.mark.django_db
RR = ReleaseRequest


@pytest.fixture
def w(world):
    world.manager.email = "manager@example.nhs.uk"
    world.manager.save()
    world.session2 = Session.objects.create(
        run=world.run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12)
    )
    world.session3 = Session.objects.create(
        run=world.run, date=dt.date(2019, 9, 17), start_time=dt.time(10), end_time=dt.time(12, 30)
    )
    mail.outbox.clear()
    return world


def ask(w, sessions=None, **kw):
    return services.release_request_create(
        actor=w.tutor_user,
        tutor=w.staff,
        kind="run",
        run=w.run,
        sessions=sessions or [w.session, w.session2, w.session3],
        purpose="Co-deliver Understanding anxiety",
        **kw,
    )


# --- making a request -----------------------------------------------------------------------


def test_request_emails_the_line_manager_a_link(w, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://tandem.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        rr = ask(w)
    assert rr.status == "pending" and rr.manager == w.manager and rr.term == w.term
    assert rr.hours == Decimal("6.50")
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["manager@example.nhs.uk"]
    assert "Sam Staff" in msg.subject
    assert f"https://tandem.example.nhs.uk{reverse('release:decide', args=[rr.pk])}" in msg.body
    assert AuditEvent.objects.filter(object_type="release.ReleaseRequest", action="create").count() == 1


def test_no_email_is_sent_when_the_request_rolls_back(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.release_request_create(
            actor=w.tutor_user, tutor=w.staff, kind="run", run=w.run, sessions=[], purpose="x"
        )
    assert mail.outbox == []


def test_only_staff_tutors_with_a_line_manager_ask(w):
    with pytest.raises(ValidationError, match="Only staff tutors"):
        services.release_request_create(
            actor=w.admin, tutor=w.peer, kind="run", run=w.run, sessions=[w.session], purpose="x"
        )
    with pytest.raises(ValidationError, match="no line manager"):
        services.release_request_create(
            actor=w.admin, tutor=w.unmanaged, kind="run", run=w.run, sessions=[w.session], purpose="x"
        )


def test_request_checks_sessions_purpose_and_duplicates(w):
    other = Session.objects.create(
        run=w.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16)
    )
    with pytest.raises(ValidationError, match="sessions of this run"):
        ask(w, sessions=[w.session, other])
    with pytest.raises(ValidationError, match="Say what the release is for"):
        services.release_request_create(
            actor=w.tutor_user, tutor=w.staff, kind="run", run=w.run, sessions=[w.session], purpose=" "
        )
    ask(w)
    with pytest.raises(ValidationError, match="already a request waiting"):
        ask(w)


def test_request_for_a_run_without_sessions_counts_the_course_hours(w):
    rr = services.release_request_create(
        actor=w.admin, tutor=w.staff, kind="run", run=w.gap_run, purpose="Fill the gap"
    )
    assert rr.hours == Decimal("8.00") and rr.requested_by == w.admin  # 4 sessions x 2 hours


def test_coproduction_request(w):
    with pytest.raises(ValidationError, match="hours"):
        services.release_request_create(
            actor=w.tutor_user, tutor=w.staff, kind="coproduction", purpose="x", starts_on=dt.date(2019, 10, 1)
        )
    with pytest.raises(ValidationError, match="end date"):
        services.release_request_create(
            actor=w.tutor_user,
            tutor=w.staff,
            kind="coproduction",
            purpose="x",
            hours=Decimal("6"),
            starts_on=dt.date(2019, 10, 1),
            ends_on=dt.date(2019, 9, 1),
        )
    rr = services.release_request_create(
        actor=w.tutor_user,
        tutor=w.staff,
        kind="coproduction",
        purpose="New sleep course",
        hours=Decimal("6"),
        starts_on=dt.date(2019, 10, 1),
        ends_on=dt.date(2019, 10, 22),
    )
    assert rr.run is None and rr.term == w.term and rr.ends_on == dt.date(2019, 10, 22)


# --- deciding ---------------------------------------------------------------------------------


def test_approve_emails_the_tutor_and_audits(w, django_capture_on_commit_callbacks):
    rr = ask(w)
    with django_capture_on_commit_callbacks(execute=True):
        rr = services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    assert rr.status == "approved" and rr.approved_hours == Decimal("6.50") and rr.decided_by == w.manager
    assert set(rr.approved_sessions.all()) == {w.session, w.session2, w.session3}
    assert [m.to for m in mail.outbox] == [["sam@example.nhs.uk"]]
    assert "approved" in mail.outbox[0].body
    assert AuditEvent.objects.filter(object_id=str(rr.pk), action="decide").count() == 1


def test_approve_in_part_chooses_some_sessions(w):
    rr = ask(w)
    with pytest.raises(ValidationError, match="every session"):
        services.release_decide(
            actor=w.manager, release_request=rr, decision="approve_part", sessions=[w.session, w.session2, w.session3]
        )
    with pytest.raises(ValidationError, match="Choose the sessions"):
        services.release_decide(actor=w.manager, release_request=rr, decision="approve_part", sessions=[])
    rr = services.release_decide(actor=w.manager, release_request=rr, decision="approve_part", sessions=[w.session])
    assert rr.status == "partly_approved" and rr.approved_hours == Decimal("2.00")
    assert list(rr.approved_sessions.all()) == [w.session]


def test_approve_in_part_by_hours_for_coproduction(w):
    rr = services.release_request_create(
        actor=w.tutor_user,
        tutor=w.staff,
        kind="coproduction",
        purpose="Sleep course",
        hours=Decimal("10"),
        starts_on=dt.date(2019, 10, 1),
    )
    with pytest.raises(ValidationError, match="fewer than 10"):
        services.release_decide(actor=w.manager, release_request=rr, decision="approve_part", hours=Decimal("10"))
    rr = services.release_decide(actor=w.manager, release_request=rr, decision="approve_part", hours=Decimal("4"))
    assert rr.status == "partly_approved" and rr.approved_hours == Decimal("4")


@pytest.mark.parametrize("reason", ["service_pressure", "course_too_long", "short_notice"])
def test_decline_frees_the_run_which_shows_as_a_gap(w, reason, django_capture_on_commit_callbacks):
    rr = ask(w)
    with django_capture_on_commit_callbacks(execute=True):
        rr = services.release_decide(actor=w.manager, release_request=rr, decision="decline", reason=reason)
    assert rr.status == "declined" and rr.decline_reason == reason and rr.approved_hours is None
    assert w.staff not in w.run.tutors.all()
    runs = {r.pk: r for r in with_gap_flags(visible_runs(w.admin).filter(term=w.term))}
    assert runs[w.run.pk].is_gap
    assert "declined" in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        object_type="courses.CourseRun", object_id=str(w.run.pk), fields=["tutors"]
    ).exists()


def test_decline_for_another_reason_needs_words(w):
    rr = ask(w)
    with pytest.raises(ValidationError, match="Say why"):
        services.release_decide(actor=w.manager, release_request=rr, decision="decline", reason="other", note="  ")
    with pytest.raises(ValidationError, match="Choose why"):
        services.release_decide(actor=w.manager, release_request=rr, decision="decline", reason="")
    rr = services.release_decide(
        actor=w.manager, release_request=rr, decision="decline", reason="other", note="Team restructure this term"
    )
    assert rr.decline_note == "Team restructure this term"


def test_approval_for_a_gap_run_assigns_the_tutor(w):
    rr = services.release_request_create(
        actor=w.tutor_user, tutor=w.staff, kind="run", run=w.gap_run, purpose="Fill the gap"
    )
    services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    assert w.staff in w.gap_run.tutors.all()


def test_second_decision_is_a_conflict(w):
    rr = ask(w)
    services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    with pytest.raises(services.ReleaseConflict, match="already been approved"):
        services.release_decide(actor=w.manager, release_request=rr, decision="decline", reason="short_notice")
    assert RR.objects.get(pk=rr.pk).status == "approved"
    assert AuditEvent.objects.filter(object_id=str(rr.pk), action="decide").count() == 1


# --- budget -----------------------------------------------------------------------------------


def test_approving_beyond_the_budget_is_refused_clearly(w):
    services.budget_set(actor=w.admin, tutor=w.staff, term=w.term, hours=Decimal("5"))
    rr = ask(w)
    with pytest.raises(ValidationError) as exc:
        services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    message = " ".join(exc.value.messages)
    assert "exceed Sam Staff's release budget" in message and "5 of 5 hours are left" in message
    rr.refresh_from_db()
    assert rr.status == "pending"  # nothing changed
    assert not AuditEvent.objects.filter(object_id=str(rr.pk), action="decide").exists()
    rr = services.release_decide(
        actor=w.manager, release_request=rr, decision="approve_part", sessions=[w.session, w.session2]
    )
    assert rr.approved_hours == Decimal("4.00")
    assert services.budget_remaining(w.staff.pk, w.term.pk) == Decimal("1.00")


def test_budget_counts_every_approved_request_of_the_term(w):
    services.budget_set(actor=w.manager, tutor=w.staff, term=w.term, hours=Decimal("8"))
    services.budget_set(actor=w.manager, tutor=w.staff, term=w.term, hours=Decimal("9"))
    assert ReleaseBudget.objects.get().hours == Decimal("9")
    first = services.release_request_create(
        actor=w.tutor_user,
        tutor=w.staff,
        kind="coproduction",
        purpose="a",
        hours=Decimal("6"),
        starts_on=dt.date(2019, 10, 1),
    )
    services.release_decide(actor=w.manager, release_request=first, decision="approve")
    second = ask(w, sessions=[w.session, w.session2])
    with pytest.raises(ValidationError, match="3 of 9 hours are left"):
        services.release_decide(actor=w.manager, release_request=second, decision="approve")
    with pytest.raises(ValidationError, match="0 or more"):
        services.budget_set(actor=w.admin, tutor=w.staff, term=w.term, hours=Decimal("-1"))


# --- withdrawal, reminders, expiry ----------------------------------------------------------


def test_withdraw_then_decide_is_a_conflict(w, django_capture_on_commit_callbacks):
    rr = ask(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_withdraw(actor=w.tutor_user, release_request=rr)
    assert RR.objects.get(pk=rr.pk).status == "withdrawn"
    assert "withdrawn" in mail.outbox[-1].subject and mail.outbox[-1].to == ["manager@example.nhs.uk"]
    with pytest.raises(services.ReleaseConflict, match="withdrawn"):
        services.release_decide(actor=w.manager, release_request=rr, decision="approve")
    with pytest.raises(services.ReleaseConflict):
        services.release_withdraw(actor=w.tutor_user, release_request=rr)


def test_reminder_once_after_five_days_then_expiry(w, django_capture_on_commit_callbacks):
    fresh = make_request(w, run=w.gap_run, sessions=[], requested_at=days_ago(2))
    due = make_request(w, requested_at=days_ago(6))
    old = make_request(w, tutor=other_manager(w)[1], run=w.gap_run, sessions=[], requested_at=days_ago(22))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == {"reminded": 1, "expired": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == {"reminded": 0, "expired": 0}  # a reminder is sent once
    assert RR.objects.get(pk=fresh.pk).reminded_at is None
    assert RR.objects.get(pk=due.pk).reminded_at is not None
    assert RR.objects.get(pk=old.pk).status == "expired"
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Release request expired", "Reminder: release request from Sam Staff"]


def test_reminder_and_expiry_days_are_settings(w, settings):
    settings.RELEASE_REMINDER_DAYS = 1
    settings.RELEASE_EXPIRY_DAYS = 3
    make_request(w, requested_at=days_ago(2))
    make_request(w, run=w.gap_run, sessions=[], requested_at=days_ago(4))
    assert services.send_reminders() == {"reminded": 1, "expired": 1}


def test_command_and_task(w, capsys):
    make_request(w, requested_at=days_ago(6))
    call_command("release_reminders")
    assert "Reminded line managers of 1 request(s); expired 0" in capsys.readouterr().out
    make_request(w, run=w.gap_run, sessions=[], requested_at=days_ago(30))
    result = release_reminders.enqueue()  # ImmediateBackend in tests: runs at once
    assert result.return_value == {"reminded": 0, "expired": 1}


def test_command_as_of_a_date(w, capsys):
    make_request(w, requested_at=days_ago(1))
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    call_command("release_reminders", "--as-of", later)
    assert "expired 1 request(s)" in capsys.readouterr().out


# --- status on the timetable ------------------------------------------------------------------


def test_release_status_for_runs(w):
    assert release_status_for_runs([]) == {}
    rr = ask(w)
    assert release_status_for_runs([w.run, w.gap_run]) == {(w.run.pk, w.staff.pk): "pending"}
    services.release_decide(actor=w.manager, release_request=rr, decision="approve_part", sessions=[w.session])
    assert release_status_for_runs([w.run]) == {(w.run.pk, w.staff.pk): "released"}
    _, theo = other_manager(w)
    declined = make_request(w, tutor=theo, run=w.gap_run, sessions=[])
    services.release_decide(actor=declined.manager, release_request=declined, decision="decline", reason="short_notice")
    withdrawn = make_request(w, run=w.gap_run, sessions=[])
    services.release_withdraw(actor=w.tutor_user, release_request=withdrawn)
    assert release_status_for_runs([w.run.pk, w.gap_run.pk]) == {
        (w.run.pk, w.staff.pk): "released",
        (w.gap_run.pk, theo.pk): "declined",
    }


def test_run_page_and_timetable_show_release(w, client):
    ask(w)
    client.force_login(w.admin)
    page = client.get(reverse("courses:run", args=[w.run.pk])).content.decode()
    assert "Sam Staff: release requested, waiting for Manager Persona's decision" in " ".join(page.split())
    page = client.get(reverse("courses:timetable") + f"?term={w.term.pk}").content.decode()
    assert "Release pending" in page
    # A run without a staff tutor still renders (nothing to show).
    assert client.get(reverse("courses:run", args=[w.gap_run.pk])).status_code == 200


def test_other_manager_request_is_invisible_to_this_manager(w):
    from tandem.release.selectors import visible_requests

    theirs = other_manager_request(w)
    mine = make_request(w)
    assert list(visible_requests(w.manager)) == [mine]
    assert theirs in visible_requests(w.admin)
    assert list(visible_requests(w.tutor_user)) == [mine]
    assert list(visible_requests(w.qi)) == []
