"""Course runs in Tandem's pages: add and change a run (its sessions follow), put tutors on and
take them off (with who asked), cancel with a reason, and the next steps a gap offers."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import CourseRun, RunTutorChange, Session
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db


def run_post(world, **over):
    data = {
        "term": world.term.pk,
        "weekday": "2",
        "start_time": "13:30",
        "end_time": "15:30",
        "start_date": "2019-10-02",
        "weeks": "",
        "room": world.room.pk,
        "capacity": "12",
    }
    data.update(over)
    return data


def test_admin_adds_a_run_and_its_weekly_sessions(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("courses:run_create", args=[world.course.pk]), run_post(world))
    run = CourseRun.objects.exclude(pk__in=[world.run.pk, world.gap_run.pk]).get(course=world.course)
    assert response["Location"] == reverse("courses:run", args=[run.pk])
    dates = list(run.sessions.order_by("date").values_list("date", flat=True))
    assert dates == [dt.date(2019, 10, 2) + dt.timedelta(weeks=i) for i in range(4)]  # the course's 4 sessions
    assert run.status == "planned" and run.room == world.room and run.capacity == 12
    page = client.get(response["Location"]).content.decode()
    assert "This run is a gap" in page and "Wed 09 Oct 2019" in page
    assert AuditEvent.objects.filter(object_type="courses.CourseRun", object_id=str(run.pk), action="create").exists()


def test_a_start_date_on_another_weekday_is_refused_with_the_day_named(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("courses:run_create", args=[world.course.pk]), run_post(world, start_date="2019-10-03")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "03 October 2019 is a Thursday: choose a Wednesday" in body
    assert CourseRun.objects.filter(course=world.course).count() == 2


@pytest.mark.parametrize(
    "over,message",
    [
        ({"start_date": "2020-03-04"}, "The first session must fall in the Autumn 2019 term"),
        ({"end_time": "12:00"}, "The end time must be after the start time"),
        ({"room": ""}, "Choose a room, or say the run is online"),
        ({"weeks": "60"}, "Enter a number of weeks from 1 to 52"),
        ({"room": "zz", "capacity": "-1", "start_time": "25:99"}, "Enter the start time like 10:00"),
    ],
)
def test_bad_runs_are_refused_and_nothing_is_written(world, client, over, message):
    client.force_login(world.admin)
    response = client.post(reverse("courses:run_create", args=[world.course.pk]), run_post(world, **over))
    assert response.status_code == 200 and message in response.content.decode()
    assert CourseRun.objects.filter(course=world.course).count() == 2
    assert Session.objects.filter(run__course=world.course).count() == 1


def test_an_online_run_has_no_room(world, client):
    client.force_login(world.admin)
    body = client.post(
        reverse("courses:run_create", args=[world.course.pk]), run_post(world, online="on", weeks="2")
    ).content.decode()
    assert "An online run has no room" in body
    client.post(reverse("courses:run_create", args=[world.course.pk]), run_post(world, online="on", weeks="2", room=""))
    run = CourseRun.objects.filter(course=world.course).latest("pk")
    assert run.online and run.room is None and run.sessions.count() == 2


def test_more_places_than_the_room_seats_is_refused(world, client):
    client.force_login(world.admin)
    body = client.post(
        reverse("courses:run_create", args=[world.course.pk]), run_post(world, capacity="30")
    ).content.decode()
    assert "Riverside Hub, Room 1 seats 16: choose a bigger room or at most 16 places" in body
    assert CourseRun.objects.filter(course=world.course).count() == 2


def test_weeks_cannot_drop_a_recorded_session_and_the_term_stays(world, client):
    from tandem.core.models import Term
    from tandem.courses import services

    run = services.run_create(
        actor=world.admin,
        course=world.course,
        term=world.term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 10, 1),
        room=world.room,
        tutors=[world.peer, world.staff],
    )
    third = run.sessions.order_by("date")[2]
    services.session_record_delivery(actor=world.admin, session=third, tutors=[world.peer, world.staff])
    client.force_login(world.admin)
    url = reverse("courses:run_edit", args=[run.pk])
    body = client.post(
        url, run_post(world, weekday="1", start_date="2019-10-01", start_time="10:00", end_time="12:00", weeks="2")
    ).content.decode()
    assert "The session of 15 October 2019 is already recorded, in week 3 of the run" in body
    assert run.sessions.count() == 4
    spring = Term.objects.create(
        college=world.college, season="spring", year=2020, starts_on=dt.date(2020, 1, 6), ends_on=dt.date(2020, 3, 27)
    )
    body = client.post(url, run_post(world, term=spring.pk, weekday="1", start_date="2019-10-01")).content.decode()
    assert "already recorded, so the term, day and start date stay as they are" in body


def test_the_empty_run_form_says_what_is_missing(world, client):
    client.force_login(world.admin)
    body = client.post(reverse("courses:run_create", args=[world.course.pk]), {}).content.decode()
    for message in (
        "Choose the term",
        "Choose the day of the week",
        "Enter the start time",
        "Enter the date of the first session",
    ):
        assert message in body


def test_changing_a_run_moves_its_unrecorded_sessions_only(world, client):
    from tandem.courses import services

    run = services.run_create(
        actor=world.admin,
        course=world.course,
        term=world.term,
        weekday=1,
        start_time=dt.time(10),
        end_time=dt.time(12),
        start_date=dt.date(2019, 10, 1),
        room=world.room,
        tutors=[world.peer, world.staff],
    )
    first = run.sessions.order_by("date").first()
    services.session_record_delivery(actor=world.admin, session=first, tutors=[world.peer, world.staff])
    client.force_login(world.admin)
    url = reverse("courses:run_edit", args=[run.pk])
    # The day cannot move once a session is recorded...
    body = client.post(url, run_post(world, weekday="2", start_date="2019-10-02")).content.decode()
    assert "already recorded, so the term, day and start date stay as they are" in body
    # ...but the times and the number of weeks can: the recorded session keeps its times.
    response = client.post(
        url, run_post(world, weekday="1", start_date="2019-10-01", start_time="14:00", end_time="16:00", weeks="6")
    )
    assert response.status_code == 302
    sessions = list(run.sessions.order_by("date"))
    assert len(sessions) == 6 and sessions[0].start_time == dt.time(10) and sessions[0].status == "delivered"
    assert all(s.start_time == dt.time(14) for s in sessions[1:])
    assert sessions[-1].date == dt.date(2019, 11, 5)


def test_putting_tutors_on_and_off_a_run_keeps_who_asked(world, client):
    client.force_login(world.admin)
    url = reverse("courses:run_assign", args=[world.gap_run.pk]) + "?kind=staff"
    page = client.get(url).content.decode()
    assert (
        "Sam Staff" in page and "Pat Peer" not in page.split("<main")[1].split("Back to the run")[0].split("Which")[1]
    )
    response = client.post(
        url,
        {"kind": "staff", "tutor": world.staff.pk, "asked_by": "Sam's line manager", "note": "Released for the autumn"},
    )
    assert response.status_code == 302
    assert set(world.gap_run.tutors.all()) == {world.peer, world.staff}
    change = RunTutorChange.objects.get(run=world.gap_run, tutor=world.staff)
    assert (change.action, change.asked_by, change.changed_by) == ("added", "Sam's line manager", world.admin)
    page = client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    assert "This run is a gap" not in page and "asked by Sam&#39;s line manager" in page

    response = client.post(
        reverse("courses:run_remove", args=[world.gap_run.pk, world.staff.pk]),
        {"asked_by": "Sam", "note": "Clinic moved"},
    )
    assert response.status_code == 302 and list(world.gap_run.tutors.all()) == [world.peer]
    assert (
        AuditEvent.objects.filter(
            object_type="courses.CourseRun", object_id=str(world.gap_run.pk), action__in=["assign", "unassign"]
        ).count()
        == 2
    )


def test_only_qualified_active_tutors_of_the_kind_are_offered_unless_asked(world, client):
    # Una is an active staff tutor who never co-produced or taught the course.
    client.force_login(world.admin)
    url = reverse("courses:run_assign", args=[world.gap_run.pk])
    assert "Una Other" not in client.get(url + "?kind=staff").content.decode()
    assert "Una Other" in client.get(url + "?kind=staff&all=1").content.decode()
    world.unmanaged.status = Tutor.Status.PAUSED
    world.unmanaged.save()
    assert "Una Other" not in client.get(url + "?kind=staff&all=1").content.decode()
    # A paused tutor posted anyway is refused by the form, nothing written.
    response = client.post(url, {"kind": "staff", "all": "1", "tutor": world.unmanaged.pk})
    assert response.status_code == 200 and "Choose a tutor from the list" in response.content.decode()


def test_tutors_free_at_the_time_come_first(world, client):
    from tandem.courses import selectors

    other = Tutor.objects.create(
        college=world.college,
        kind="staff",
        first_name="Bo",
        last_name="Busy",
        email="bo@example.nhs.uk",
        status="active",
        employer=world.trust,
    )
    world.course.co_producers.add(other, world.unmanaged)
    clash = CourseRun.objects.create(
        course=world.course,
        term=world.term,
        weekday=3,
        start_time=dt.time(15),
        end_time=dt.time(17),
        start_date=dt.date(2019, 9, 5),
        online=True,
    )
    clash.tutors.set([other])
    names = [(t.full_name, t.free) for t in selectors.candidate_tutors(world.gap_run, "staff")]
    assert names[-1] == ("Bo Busy", False) and all(free for _n, free in names[:-1])


def test_the_gap_page_offers_every_next_step(world, client):
    client.force_login(world.admin)
    body = client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    assert "Who could fill the gap" in body and "Sam Staff" in body
    assert f"/release/new/?tutor={world.staff.pk}&amp;kind=run&amp;run={world.gap_run.pk}" in body
    assert reverse("courses:run_cancel", args=[world.gap_run.pk]) in body
    # The prefilled release link opens the request form for that tutor and run (step 2).
    response = client.get(f"/release/new/?tutor={world.staff.pk}&kind=run&run={world.gap_run.pk}")
    assert response.status_code == 200 and "Ask for release: Understanding anxiety" in response.content.decode()


def test_the_dashboard_lists_gaps_with_links_to_the_actions(world, client):
    world.term.starts_on, world.term.ends_on = (
        dt.date.today() - dt.timedelta(days=10),
        dt.date.today() + dt.timedelta(days=60),
    )
    world.term.save()
    client.force_login(world.admin)
    body = client.get("/").content.decode()
    assert reverse("courses:run_assign", args=[world.gap_run.pk]) + "?kind=staff" in body
    assert reverse("courses:run_cancel", args=[world.gap_run.pk]) in body
    client.force_login(world.leader)
    body = client.get("/").content.decode()
    assert "Gaps this term" in body and reverse("courses:run_cancel", args=[world.gap_run.pk]) not in body


def test_cancelling_a_run_needs_a_reason_and_cancels_what_is_to_come(world, client):
    client.force_login(world.admin)
    url = reverse("courses:run_cancel", args=[world.gap_run.pk])
    # A gap missing its staff tutor has that reason chosen already.
    assert re.search(r'value="no_staff_tutor"\s+checked', client.get(url).content.decode())
    body = client.post(url, {}).content.decode()
    assert "Choose why the run is cancelled" in body
    body = client.post(url, {"cancel_reason": "other"}).content.decode()
    assert "Say why the run is cancelled" in body
    world.gap_run.refresh_from_db()
    assert world.gap_run.status == "planned"
    Session.objects.create(run=world.gap_run, date=dt.date(2019, 9, 5), start_time=dt.time(14), end_time=dt.time(16))
    response = client.post(url, {"cancel_reason": "no_staff_tutor", "cancel_note": ""})
    assert response.status_code == 302
    world.gap_run.refresh_from_db()
    assert (world.gap_run.status, world.gap_run.cancel_reason) == ("cancelled", "no_staff_tutor")
    assert set(world.gap_run.sessions.values_list("status", "cancel_reason")) == {("cancelled", "run_cancelled")}
    page = client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    assert "Cancelled: no staff tutor" in page


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("courses:run_edit", lambda w: [w.other_run.pk]),
        ("courses:run_cancel", lambda w: [w.other_run.pk]),
        ("courses:run_assign", lambda w: [w.other_run.pk]),
        ("courses:run_remove", lambda w: [w.other_run.pk, w.other_tutor.pk]),
    ],
)
def test_another_colleges_run_is_not_found_on_post(world, client, name, kwargs):
    client.force_login(world.admin)
    assert (
        client.post(reverse(name, args=kwargs(world)), {"cancel_reason": "other", "cancel_note": "x"}).status_code
        == 404
    )
    world.other_run.refresh_from_db()
    assert world.other_run.status == "planned"


@pytest.mark.parametrize("role", ["qi_team", "tutor", "line_manager", "leader"])
def test_only_admins_change_runs(world, client, role):
    client.force_login(world.users[role])
    assert (
        client.post(reverse("courses:run_cancel", args=[world.run.pk]), {"cancel_reason": "no_room"}).status_code == 403
    )
    assert client.post(reverse("courses:run_remove", args=[world.run.pk, world.peer.pk])).status_code == 403
    world.run.refresh_from_db()
    assert world.run.status == "planned" and world.run.tutors.count() == 2


def test_a_staffed_run_is_confirmed_and_a_gap_cannot_be(world, client):
    client.force_login(world.admin)
    assert "Confirm the run" in client.get(reverse("courses:run", args=[world.run.pk])).content.decode()
    assert "Confirm the run" not in client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    response = client.post(reverse("courses:run_confirm", args=[world.gap_run.pk]), follow=True)
    assert "This run is a gap: put a staff tutor on it before confirming it." in response.content.decode()
    world.gap_run.refresh_from_db()
    assert world.gap_run.status == "planned"
    client.post(reverse("courses:run_confirm", args=[world.run.pk]))
    world.run.refresh_from_db()
    assert world.run.status == "confirmed"
    assert AuditEvent.objects.filter(
        object_type="courses.CourseRun", object_id=str(world.run.pk), action="confirm"
    ).exists()


def test_a_run_whose_every_session_was_cancelled_is_completed(world):
    from tandem.courses import services

    services.session_cancel(actor=world.admin, session=world.session, reason="venue")
    world.run.refresh_from_db()
    assert world.run.status == "completed"


def test_a_part_approved_release_leaves_the_unreleased_sessions_marked(world, client):
    from tandem.release import services as release

    world.college.clock_date = dt.date(2019, 9, 1)  # the sessions are still to come
    world.college.save()
    sessions = [
        Session.objects.create(
            run=world.gap_run,
            date=dt.date(2019, 9, 5) + dt.timedelta(weeks=i),
            start_time=dt.time(14),
            end_time=dt.time(16),
        )
        for i in range(4)
    ]
    rr = release.release_request_create(
        actor=world.admin,
        tutor=world.staff,
        kind="run",
        run=world.gap_run,
        sessions=sessions,
        purpose="Co-deliver with Pat",
    )
    client.force_login(world.admin)
    page = client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    assert "Sam Staff: release requested, waiting for Manager Persona" in " ".join(page.split())
    # The line manager may open the run the request is about, before deciding.
    client.force_login(world.manager)
    assert client.get(reverse("courses:run", args=[world.gap_run.pk])).status_code == 200
    release.release_decide(actor=world.manager, release_request=rr, decision="approve_part", sessions=sessions[:1])
    client.force_login(world.admin)
    page = " ".join(client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode().split())
    assert "released by Manager Persona for 1 of the 4 sessions asked for" in page
    assert "3 sessions without a released staff tutor" in page
    assert page.count("No released staff tutor") == 3


def test_put_on_the_run_from_the_gap_list_chooses_that_tutor(world, client):
    client.force_login(world.admin)
    page = client.get(reverse("courses:run", args=[world.gap_run.pk])).content.decode()
    link = f"/courses/runs/{world.gap_run.pk}/tutors/add/?kind=staff&amp;tutor={world.staff.pk}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(rf'value="{world.staff.pk}"\s+checked', form)
