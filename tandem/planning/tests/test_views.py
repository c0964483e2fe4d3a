"""The planning pages: the admin's flow, and the negatives (403, 404, 405)."""

import pytest
from django.urls import reverse

from tandem.courses.models import CourseRun
from tandem.planning.models import PlanJob, TutorAvailability, WishedRun, WishList

from .factories import make_job, make_wish_list, spring_term

pytestmark = pytest.mark.django_db


def test_non_admins_are_refused_and_other_colleges_are_404(world, client):
    job = make_job(world)
    other_job = make_job(world, college=world.other_college)
    wl, other_wl = job.wish_list, other_job.wish_list
    w = wl.runs.first()
    for role in ("qi_team", "tutor", "line_manager", "leader"):
        client.force_login(world.users[role])
        assert client.get(reverse("planning:job", args=[job.pk])).status_code == 403, role
        assert client.post(reverse("planning:job_accept", args=[job.pk])).status_code == 403, role
        assert client.post(reverse("planning:plan", args=[wl.pk]), {"time_limit": 5}).status_code == 403, role
    client.force_login(world.admin)
    assert client.get(reverse("planning:wishlist", args=[other_wl.pk])).status_code == 404
    assert client.get(reverse("planning:job", args=[other_job.pk])).status_code == 404
    assert client.post(reverse("planning:job_accept", args=[other_job.pk])).status_code == 404
    assert client.post(reverse("planning:plan", args=[other_wl.pk]), {"time_limit": 5}).status_code == 404
    assert client.get(reverse("planning:wished_run", args=[other_wl.pk, w.pk])).status_code == 404  # not its wish list
    assert client.get(reverse("planning:availability_edit", args=[world.other_tutor.pk])).status_code == 404
    assert PlanJob.objects.filter(wish_list=other_wl).count() == 1


def test_post_only_views_answer_405_to_a_get(world, client):
    job = make_job(world)
    wl = job.wish_list
    client.force_login(world.admin)
    for url in (
        reverse("planning:plan", args=[wl.pk]),
        reverse("planning:wishlist_copy", args=[wl.pk]),
        reverse("planning:wished_run_delete", args=[wl.pk, wl.runs.first().pk]),
        reverse("planning:job_stop", args=[job.pk]),
        reverse("planning:job_what_if", args=[job.pk]),
    ):
        assert client.get(url).status_code == 405, url


def test_admin_builds_a_wish_list_and_plans_it(world, client):
    from tandem.core.models import Term

    client.force_login(world.admin)
    term = spring_term(world.college)
    Term.objects.create(
        college=world.college,
        season="spring",
        year=2019,
        starts_on=term.starts_on.replace(year=2019),
        ends_on=term.ends_on.replace(year=2019),
    )
    last = Term.objects.get(college=world.college, year=2019, season="spring")
    CourseRun.objects.create(
        course=world.course,
        term=last,
        weekday=2,
        start_time=world.run.start_time,
        end_time=world.run.end_time,
        start_date=last.starts_on,
        room=world.room,
    )
    response = client.post(reverse("planning:wishlist_new"), {"term": term.pk})
    wl = WishList.objects.get(term=term)
    assert response.status_code == 302 and response["Location"] == reverse("planning:wishlist", args=[wl.pk])
    # From the catalogue: 2 runs of the course, priority 3, Tuesdays and Wednesdays, mornings.
    page = client.get(reverse("planning:wishlist_add", args=[wl.pk]))
    assert page.status_code == 200 and "Runs of Understanding anxiety" in page.content.decode()
    response = client.post(
        reverse("planning:wishlist_add", args=[wl.pk]),
        {
            "days": ["1", "2"],
            "slots": ["0"],
            "venue": str(world.room.site_id),
            "cohort": "10",
            f"runs_{world.course.pk}": "2",
            f"weight_{world.course.pk}": "3",
        },
    )
    assert response.status_code == 302
    runs = list(wl.runs.all())
    assert len(runs) == 2 and all(r.weight == 3 and r.allowed == [[1, 0], [2, 0]] for r in runs)
    assert runs[0].start_week_max == 12 - world.course.number_of_sessions + 1
    # Nothing picked: an error, not a crash.
    response = client.post(
        reverse("planning:wishlist_add", args=[wl.pk]),
        {"days": ["1"], "slots": ["0"], "venue": "online", "cohort": "10"},
    )
    assert response.status_code == 200 and "at least one course" in response.content.decode()
    # From last year's same term.
    response = client.post(reverse("planning:wishlist_copy", args=[wl.pk]))
    assert response.status_code == 302 and wl.runs.count() == 3
    copied = wl.runs.order_by("-pk").first()
    assert [2, 0] in copied.allowed and copied.site_id == world.room.site_id
    # Change one wished run, remove another.
    w = runs[0]
    response = client.post(
        reverse("planning:wished_run", args=[wl.pk, w.pk]),
        {
            "weight": "5",
            "allowed": ["1-0", "3-1"],
            "start_week_min": "2",
            "start_week_max": "4",
            "venue": "online",
            "cohort": "8",
            "mandatory": "on",
        },
    )
    assert response.status_code == 302
    w.refresh_from_db()
    assert (w.weight, w.allowed, w.online, w.site_id, w.mandatory) == (5, [[1, 0], [3, 1]], True, None, True)
    bad = client.post(
        reverse("planning:wished_run", args=[wl.pk, w.pk]),
        {
            "weight": "5",
            "allowed": ["1-0"],
            "start_week_min": "9",
            "start_week_max": "40",
            "venue": "online",
            "cohort": "8",
        },
    )
    assert bad.status_code == 200 and "12 weeks" in bad.content.decode()
    client.post(reverse("planning:wished_run_delete", args=[wl.pk, runs[1].pk]))
    assert not WishedRun.objects.filter(pk=runs[1].pk).exists()
    # The wish list page says what the planner assumes.
    page = client.get(reverse("planning:wishlist", args=[wl.pk])).content.decode()
    assert "treated as available at every weekday slot" in page and "not limited by release hours" in page
    # Plan: the task runs at once under the test settings; the job page shows the plan.
    response = client.post(reverse("planning:plan", args=[wl.pk]), {"time_limit": "5", "what_if": "on"})
    job = PlanJob.objects.get(wish_list=wl)
    assert response.status_code == 302 and response["Location"] == reverse("planning:job", args=[job.pk])
    assert job.status == PlanJob.Status.FINISHED, job.error
    page = client.get(reverse("planning:job", args=[job.pk])).content.decode()
    assert "Week by week" in page and "Runs offered" in page
    status = client.get(reverse("planning:job_status", args=[job.pk])).json()
    assert (
        status["status"] == "finished" and status["active"] is False and status["objective"] == job.result["objective"]
    )
    assert client.get(reverse("planning:job_instance", args=[job.pk])).json() == job.instance
    # Accept: a confirmation page, then the POST; a second POST is refused with a clear page.
    assert (
        "Accept the plan into the timetable"
        in client.get(reverse("planning:job_accept", args=[job.pk])).content.decode()
    )
    response = client.post(reverse("planning:job_accept", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("courses:timetable"))
    assert CourseRun.objects.filter(term=term).count() == len(job.result["runs"])
    again = client.post(reverse("planning:job_accept", args=[job.pk]))
    assert again.status_code == 409 and "already been accepted" in again.content.decode()
    assert CourseRun.objects.filter(term=term).count() == len(job.result["runs"])


def test_running_job_page_polls_and_offers_refresh(world, client):
    job = make_job(world, finished=False)
    PlanJob.objects.filter(pk=job.pk).update(status=PlanJob.Status.RUNNING, progress=[[3, 5, 0.02], [4, 5, 1.1]])
    client.force_login(world.admin)
    page = client.get(reverse("planning:job", args=[job.pk])).content.decode()
    assert f'data-status-url="/planning/jobs/{job.pk}/status.json"' in page
    assert "planning/job.js" in page and ">Refresh</a>" in page
    assert "http-equiv" not in page
    assert "Best plan so far offers priority 4 of at most 5 (gap 20.0%)" in page
    payload = client.get(reverse("planning:job_status", args=[job.pk])).json()
    assert payload["active"] and payload["gap"] == 20.0 and payload["progress"][-1] == [4, 5, 1.1]


def test_availability_is_recorded(world, client):
    client.force_login(world.admin)
    assert "Not recorded" in client.get(reverse("planning:availability")).content.decode()
    response = client.post(
        reverse("planning:availability_edit", args=[world.staff.pk]), {"dayslots": ["0-0", "0-1", "3-2"]}
    )
    assert response.status_code == 302
    assert sorted(TutorAvailability.objects.filter(tutor=world.staff).values_list("weekday", "slot")) == [
        (0, "afternoon"),
        (0, "morning"),
        (3, "evening"),
    ]
    wl = make_wish_list(world)
    from tandem.planning.instance import build_instance, tutor_id

    inst = build_instance(wl)
    assert next(t for t in inst["tutors"] if t["id"] == tutor_id(world.staff.pk))["available"] == [
        [0, 0],
        [0, 1],
        [3, 2],
    ]


def test_admin_adds_the_next_term_with_its_wish_list(world, client):
    from tandem.core.models import Term

    client.force_login(world.admin)
    page = client.get(reverse("planning:wishlist_new")).content.decode()
    assert 'value="spring"' in page and "2020" in page  # the term after Autumn 2019 is offered
    bad = client.post(
        reverse("planning:wishlist_new"),
        {"action": "new_term", "season": "spring", "year": "2020", "starts_on": "2020-03-27", "ends_on": "2020-01-06"},
    )
    assert bad.status_code == 200 and "The last day must be after the first day" in bad.content.decode()
    assert "Error" in bad.content.decode().split("</title>")[0]
    response = client.post(
        reverse("planning:wishlist_new"),
        {"action": "new_term", "season": "spring", "year": "2020", "starts_on": "2020-01-06", "ends_on": "2020-03-27"},
    )
    term = Term.objects.get(college=world.college, season="spring", year=2020)
    wl = WishList.objects.get(term=term)
    assert response["Location"] == reverse("planning:wishlist", args=[wl.pk])
    again = client.post(
        reverse("planning:wishlist_new"),
        {"action": "new_term", "season": "spring", "year": "2020", "starts_on": "2020-01-06", "ends_on": "2020-03-27"},
    )
    assert again.status_code == 200 and "already has this term" in again.content.decode()
