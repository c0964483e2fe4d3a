"""More places on a run go to the waiting list at once, emailed, as when a booking is cancelled;
fewer places than students booked is refused."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses import services as course_services
from tandem.courses.models import Session
from tandem.students import services
from tandem.students.models import Booking

from .factories import make_student, on_clock


@pytest.fixture
def w(world):
    on_clock(world)  # 1 October 2019
    for week in range(1, 6):  # the run's weekly sessions to 8 October
        day = world.run.start_date + dt.timedelta(weeks=week)
        Session.objects.create(run=world.run, date=day, start_time=dt.time(10), end_time=dt.time(12))
    world.run.capacity = 1
    world.run.save()
    return world


def _update(w, capacity):
    run = w.run
    return course_services.run_update(
        actor=w.admin,
        run=run,
        term=run.term,
        weekday=run.weekday,
        start_time=run.start_time,
        end_time=run.end_time,
        start_date=run.start_date,
        online=run.online,
        room=run.room,
        capacity=capacity,
    )


def _book(w, name):
    return services.booking_create(actor=None, student=make_student(w, first_name=name), run=w.run, waiting_list=True)


def test_more_places_go_to_the_people_waiting_first_come_first_served(w):
    holder, first, second, third = (_book(w, n) for n in ("Holder", "First", "Second", "Third"))
    assert [b.status for b in (holder, first, second, third)] == ["booked", "waiting", "waiting", "waiting"]
    mail.outbox.clear()

    run = _update(w, 3)

    assert [b.pk for b in run.places_filled] == [first.pk, second.pk]
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert [statuses[b.pk] for b in (holder, first, second, third)] == ["booked", "booked", "booked", "waiting"]
    assert sorted(m.subject for m in mail.outbox) == ["A place on Understanding anxiety is yours"] * 2
    assert {m.to[0] for m in mail.outbox} == {first.student.email, second.student.email}
    assert AuditEvent.objects.filter(action="promote", object_type="students.Booking").count() == 2
    # Nothing more changes when the places do not.
    mail.outbox.clear()
    assert _update(w, 3).places_filled == [] and mail.outbox == []


def test_fewer_places_than_students_booked_is_refused(w):
    _book(w, "One")
    _update(w, 2)
    _book(w, "Two")
    with pytest.raises(ValidationError) as exc:
        _update(w, 1)
    assert exc.value.message_dict["capacity"] == [
        "2 students have a place on this run: keep at least 2 places, or cancel bookings first."
    ]
    w.run.refresh_from_db()
    assert w.run.capacity == 2


def test_the_run_page_says_who_was_given_a_place(w, client):
    _book(w, "Holder")
    waiting = _book(w, "Waiting")
    mail.outbox.clear()
    client.force_login(w.admin)
    data = {
        "term": w.term.pk,
        "weekday": str(w.run.weekday),
        "start_time": "10:00",
        "end_time": "12:00",
        "start_date": w.run.start_date.isoformat(),
        "weeks": "",
        "room": w.room.pk,
        "capacity": "2",
    }
    response = client.post(reverse("courses:run_edit", args=[w.run.pk]), data, follow=True)
    page = response.content.decode()
    assert "1 person on the waiting list has a place now and was emailed." in page
    waiting.refresh_from_db()
    assert waiting.status == "booked" and mail.outbox[0].to == [waiting.student.email]
    data["capacity"] = "1"
    page = client.post(reverse("courses:run_edit", args=[w.run.pk]), data).content.decode()
    assert "2 students have a place on this run" in page and 'href="#id_capacity"' in page
