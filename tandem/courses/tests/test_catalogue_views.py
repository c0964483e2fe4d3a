"""Catalogue pages: add, edit and retire a course (College admins), with the co-production rule
refused on the page as in the service."""

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import Course

pytestmark = pytest.mark.django_db


def course_post(world, **over):
    data = {
        "title": "Sleep and wellbeing",
        "topic": "Living well",
        "description": "Why sleep matters",
        "number_of_sessions": "4",
        "hours_per_session": "2",
        "status": "active",
        "co_producers": [world.peer.pk, world.staff.pk],
    }
    data.update(over)
    return data


def test_admin_adds_a_course_and_it_is_audited(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("courses:create"), course_post(world))
    course = Course.objects.get(title="Sleep and wellbeing")
    assert response.status_code == 302 and response["Location"] == reverse("courses:detail", args=[course.pk])
    assert set(course.co_producers.all()) == {world.peer, world.staff}
    event = AuditEvent.objects.get(object_type="courses.Course", object_id=str(course.pk), action="create")
    assert "co_producers" in event.fields and "Sleep" not in " ".join(event.fields)


@pytest.mark.parametrize("who,missing", [("peer", "a staff tutor"), ("staff", "a peer tutor")])
def test_a_course_without_both_kinds_is_refused_on_the_page(world, client, who, missing):
    client.force_login(world.admin)
    response = client.post(reverse("courses:create"), course_post(world, co_producers=[getattr(world, who).pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"add {missing}" in body and "There is a problem" in body
    assert not Course.objects.filter(title="Sleep and wellbeing").exists()


def test_the_empty_course_form_names_every_missing_field(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("courses:create"), {})
    body = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the course title",
        "Enter the topic",
        "Enter the number of sessions",
        "Choose who co-produced the course",
    ):
        assert message in body
    assert "Error" in body.split("<title>")[1].split("</title>")[0]


def test_nonsense_is_refused_with_plain_messages(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("courses:create"),
        course_post(
            world, number_of_sessions="-3", hours_per_session="lots", co_producers=["99999", "x"], status="bogus"
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the hours per session as a number" in body
    assert Course.objects.filter(college=world.college).count() == 1


def test_a_duplicate_title_is_refused(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("courses:create"), course_post(world, title="understanding ANXIETY"))
    assert "already has a course with this title" in response.content.decode()


def test_another_colleges_tutor_cannot_be_a_co_producer(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("courses:create"),
        course_post(world, co_producers=[world.peer.pk, world.staff.pk, world.other_tutor.pk]),
    )
    assert response.status_code == 200 and not Course.objects.filter(title="Sleep and wellbeing").exists()


def test_edit_changes_the_course_and_audits_the_fields(world, client):
    client.force_login(world.admin)
    url = reverse("courses:edit", args=[world.course.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, course_post(world, title="Understanding anxiety", number_of_sessions="6"))
    assert response.status_code == 302
    world.course.refresh_from_db()
    assert world.course.number_of_sessions == 6 and world.course.description == "Why sleep matters"
    event = AuditEvent.objects.filter(object_type="courses.Course", action="update").latest("at")
    assert {"number_of_sessions", "description"} <= set(event.fields) and "title" not in event.fields


def test_edit_keeps_the_rule(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("courses:edit", args=[world.course.pk]), course_post(world, co_producers=[world.peer.pk])
    )
    assert "add a staff tutor" in response.content.decode()
    assert set(world.course.co_producers.all()) == {world.peer, world.staff}


def test_retire_keeps_the_runs_and_hides_the_course_from_the_list(world, client):
    client.force_login(world.admin)
    url = reverse("courses:retire", args=[world.course.pk])
    assert "does not cancel them" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    world.course.refresh_from_db()
    assert world.course.status == "retired" and world.course.runs.count() == 2
    listing = client.get(reverse("courses:list")).content.decode()
    assert ">Understanding anxiety</a>" not in listing
    assert "Understanding anxiety" in client.get(reverse("courses:list") + "?retired=1").content.decode()
    # No new run for a retired course.
    response = client.get(reverse("courses:run_create", args=[world.course.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["courses:edit", "courses:retire", "courses:run_create"])
def test_another_colleges_course_is_not_found(world, client, name):
    client.force_login(world.admin)
    assert client.post(reverse(name, args=[world.other_course.pk]), course_post(world)).status_code == 404


@pytest.mark.parametrize("role", ["qi_team", "tutor", "line_manager", "leader"])
def test_only_admins_change_the_catalogue(world, client, role):
    client.force_login(world.users[role])
    assert client.post(reverse("courses:create"), course_post(world)).status_code == 403
    assert client.post(reverse("courses:retire", args=[world.course.pk])).status_code == 403
    world.course.refresh_from_db()
    assert world.course.status == "active"
    assert "Add a course" not in client.get(reverse("courses:list")).content.decode()
