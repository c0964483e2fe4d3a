"""Part 2: scoring, learning plans, questionnaires, feedback, equality monitoring and the measures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.models import CourseRun, Session
from tandem.qi.measures import REGISTRY
from tandem.students import measures, outcomes, scoring, services
from tandem.students.models import Attendance, Booking, EqualityMonitoring, Questionnaire

from .factories import booked_run, make_student, on_clock

# The published conversion table (../shared/reference/outcome-measures.md), every row.
PUBLISHED = {
    7: "7.00",
    8: "9.51",
    9: "11.25",
    10: "12.40",
    11: "13.33",
    12: "14.08",
    13: "14.75",
    14: "15.32",
    15: "15.84",
    16: "16.36",
    17: "16.88",
    18: "17.43",
    19: "17.98",
    20: "18.59",
    21: "19.25",
    22: "19.98",
    23: "20.73",
    24: "21.54",
    25: "22.35",
    26: "23.21",
    27: "24.11",
    28: "25.03",
    29: "26.02",
    30: "27.03",
    31: "28.13",
    32: "29.31",
    33: "30.70",
    34: "32.55",
    35: "35.00",
}


@pytest.mark.parametrize("raw", sorted(PUBLISHED))
def test_swemwbs_conversion_matches_every_row_of_the_published_table(raw):
    assert scoring.swemwbs_metric(raw) == Decimal(PUBLISHED[raw])


def test_swemwbs_scores_only_with_all_seven_items():
    assert scoring.score_swemwbs([3] * 7) == (21, Decimal("19.25"))
    assert scoring.score_swemwbs([3] * 6 + [None]) == (None, None)
    for bad in ([3] * 6, [0] + [3] * 6, [6] + [3] * 6):
        with pytest.raises(ValueError):
            scoring.score_swemwbs(bad)
    for bad in (6, 36):
        with pytest.raises(ValueError):
            scoring.swemwbs_metric(bad)


def test_qpr_totals_0_to_60_only_when_complete():
    assert scoring.score_qpr([0] * 15) == 0
    assert scoring.score_qpr([4] * 15) == 60
    assert scoring.score_qpr([4] * 14 + [None]) is None
    with pytest.raises(ValueError):
        scoring.score_qpr([5] + [0] * 14)


@pytest.fixture
def w(world):
    on_clock(world)  # today is 1 October 2019
    return world


def test_student_answers_start_then_end_online(w):
    Session.objects.create(run=w.run, date=dt.date(2019, 10, 8), start_time=dt.time(10), end_time=dt.time(12))
    with pytest.raises(ValidationError):  # not booked
        outcomes.questionnaire_save(
            actor=w.student_user, student=w.student, run=w.run, kind="swemwbs", timing="start", items=[3] * 7
        )
    booked_run(w)
    with pytest.raises(ValidationError) as exc:  # the end is not open before the run ends
        outcomes.questionnaire_save(
            actor=w.student_user, student=w.student, run=w.run, kind="swemwbs", timing="end", items=[3] * 7
        )
    assert "timing" in exc.value.message_dict
    q = outcomes.questionnaire_save(
        actor=w.student_user, student=w.student, run=w.run, kind="swemwbs", timing="start", items=[2] * 6 + [None]
    )
    assert (q.raw, q.metric, q.score) == (None, None, None)
    q = outcomes.questionnaire_save(
        actor=w.student_user, student=w.student, run=w.run, kind="swemwbs", timing="start", items=[2] * 7
    )
    assert (q.raw, q.metric) == (14, Decimal("15.32"))
    assert Questionnaire.objects.count() == 1
    audit = AuditEvent.objects.filter(object_type="students.Questionnaire").last()
    assert "2" not in audit.note and audit.fields == ["items", "metric", "raw"]


def test_a_college_can_switch_questionnaires_off(w):
    booked_run(w)
    services.settings_update(
        actor=w.admin,
        college=w.college,
        runs_per_term=None,
        certificate_numerator=2,
        certificate_denominator=3,
        swemwbs_enabled=False,
        qpr_enabled=True,
        feedback_enabled=False,
    )
    assert outcomes.enabled_kinds(w.college) == ["qpr"]
    with pytest.raises(ValidationError):
        outcomes.questionnaire_save(
            actor=w.admin, student=w.student, run=w.run, kind="swemwbs", timing="start", items=[3] * 7, source="paper"
        )
    with pytest.raises(ValidationError):
        outcomes.feedback_save(actor=w.admin, student=w.student, run=w.run, answer="good", source="paper")


def test_learning_plan_is_the_student_s_and_the_advisers_only(w, client):
    goal = outcomes.goal_add(
        actor=w.student_user, student=w.student, text="Feel able to go to a group", courses=[w.course]
    )
    assert list(goal.courses.all()) == [w.course]
    outcomes.review_add(actor=w.admin, student=w.student, reviewed_on=dt.date(2019, 9, 30), note="Going well")
    with pytest.raises(ValidationError):
        outcomes.review_add(actor=w.admin, student=w.student, reviewed_on=dt.date(2019, 10, 2))
    with pytest.raises(ValidationError):
        outcomes.goal_add(actor=w.student_user, student=w.student, text="x", courses=[w.other_course])
    client.force_login(w.student_user)
    page = client.get(reverse("students:my_plan")).content.decode()
    assert "Feel able to go to a group" in page and "Going well" in page
    client.force_login(w.admin)
    assert "Feel able to go to a group" in client.get(reverse("students:plan", args=[w.student.pk])).content.decode()
    for user in (w.tutor_user, w.qi, w.leader, w.manager):
        client.force_login(user)
        assert client.get(reverse("students:plan", args=[w.student.pk])).status_code == 403
    other = make_student(w, college=w.other_college)
    with pytest.raises(Http404):
        outcomes.plan_student(w.admin, other.pk)


def test_student_fills_in_swemwbs_from_my_courses(w, client):
    w.college.clock_date = dt.date(2019, 9, 4)  # after the run's only session: the end is open
    w.college.save()
    booked_run(w)
    client.force_login(w.student_user)
    page = client.get(reverse("students:my_courses")).content.decode()
    url = reverse("students:questionnaire", args=[w.run.pk, "swemwbs", "end"])
    assert url in page
    response = client.post(url, {f"item_{i}": "4" for i in range(1, 8)})
    assert response.status_code == 302
    q = Questionnaire.objects.get(student=w.student)
    assert (q.timing, q.raw, q.metric, q.source) == ("end", 28, Decimal("25.03"), "online")
    assert (
        "SWEMWBS (wellbeing), end of the course: 25.03" in client.get(reverse("students:my_courses")).content.decode()
    )


def test_staff_enter_from_paper(w, client):
    booked_run(w)
    client.force_login(w.admin)
    url = reverse("students:paper_questionnaire", args=[w.student.pk, w.run.pk, "qpr", "start"])
    data = {f"item_{i}": "2" for i in range(1, 16)} | {"completed_on": "2019-09-03"}
    assert client.post(url, data).status_code == 302
    q = Questionnaire.objects.get(student=w.student)
    assert (q.raw, q.source, q.entered_by, q.completed_on) == (30, "paper", w.admin, dt.date(2019, 9, 3))
    url = reverse("students:paper_feedback", args=[w.student.pk, w.run.pk])
    assert client.post(url, {"answer": "very_good", "comment": "Friendly"}).status_code == 302


def test_equality_monitoring_is_optional_audited_and_aggregate_only(w, client):
    outcomes.equality_save(
        actor=w.student_user,
        student=w.student,
        age_band="25_44",
        gender="",
        ethnicity="white",
        disability="prefer_not",
        sexual_orientation="",
    )
    with pytest.raises(ValidationError):
        outcomes.equality_save(actor=w.student_user, student=w.student, gender="nonsense")
    assert outcomes.equality_read(w.student_user, w.student).ethnicity == "white"
    assert not AuditEvent.objects.filter(action="read", object_type="students.EqualityMonitoring").exists()
    assert outcomes.equality_read(w.admin, w.student).age_band == "25_44"
    read = AuditEvent.objects.get(action="read", object_type="students.EqualityMonitoring")
    assert read.fields == sorted(EqualityMonitoring.SENSITIVE_FIELDS) and "white" not in read.note
    with pytest.raises(PermissionDenied):
        outcomes.equality_read(w.tutor_user, w.student)
    for _ in range(5):
        s = make_student(w)
        outcomes.equality_save(actor=w.admin, student=s, ethnicity="asian")
    total, summary = outcomes.equality_summary(w.admin)
    assert total == 6
    ethnic = dict(summary["Ethnicity"])
    assert ethnic["Asian or Asian British"] == 5 and ethnic["White"] == "fewer than 5"
    client.force_login(w.admin)
    page = client.get(reverse("students:list")).content.decode()
    assert "white" not in page.lower() or "Asian" not in page


# --- Measures on a hand-computed fixture -----------------------------------------------------------


@pytest.fixture
def m(world):
    """w.run: sessions 3 Sep, 10 Sep and 1 Oct 2019, all delivered; the run completed. A, B, C booked;
    D booked then cancelled; E a walk-in. Came: 3 Sep A, B, E; 10 Sep A; 1 Oct A, B."""
    w = on_clock(world, dt.date(2019, 10, 2))
    s1 = w.session
    s2 = Session.objects.create(run=w.run, date=dt.date(2019, 9, 10), start_time=dt.time(10), end_time=dt.time(12))
    s3 = Session.objects.create(run=w.run, date=dt.date(2019, 10, 1), start_time=dt.time(10), end_time=dt.time(12))
    Session.objects.filter(run=w.run).update(status=Session.Status.DELIVERED, peer_count=1, staff_count=1)
    CourseRun.objects.filter(pk=w.run.pk).update(status=CourseRun.Status.COMPLETED)
    a, b, c, d, e = w.student, make_student(w), make_student(w), make_student(w), make_student(w)
    for s in (a, b, c):
        Booking.objects.create(student=s, run=w.run, status=Booking.Status.BOOKED)
    Booking.objects.create(student=d, run=w.run, status=Booking.Status.CANCELLED)
    for session, students in ((s1, (a, b, e)), (s2, (a,)), (s3, (a, b))):
        for s in students:
            Attendance.objects.create(session=session, student=s, walk_in=s is e)

    def q(student, kind, timing, items, day):
        outcomes.questionnaire_save(
            actor=w.admin,
            student=student,
            run=w.run,
            kind=kind,
            timing=timing,
            items=items,
            source="paper",
            completed_on=day,
        )

    sep, octo = dt.date(2019, 9, 3), dt.date(2019, 10, 1)
    q(a, "swemwbs", "start", [2] * 7, sep)  # raw 14 -> 15.32
    q(a, "swemwbs", "end", [3] * 7, octo)  # raw 21 -> 19.25: +3.93
    q(b, "swemwbs", "start", [1] * 7, sep)  # raw 7 -> 7.00
    q(b, "swemwbs", "end", [4] * 7, octo)  # raw 28 -> 25.03: +18.03
    q(c, "swemwbs", "start", [3] * 7, sep)
    q(c, "swemwbs", "end", [3] * 6 + [None], octo)  # incomplete: no pair
    q(a, "qpr", "start", [1] * 15 + [], sep)  # 15
    q(a, "qpr", "end", [2] * 15, octo)  # 30: +15
    for student, answer in ((a, "very_good"), (b, "poor"), (c, "dont_know"), (d, "good")):
        outcomes.feedback_save(actor=w.admin, student=student, run=w.run, answer=answer, source="paper", given_on=octo)
    return w


def test_every_student_measure_is_registered_with_a_definition():
    keys = (
        "students_attending",
        "student_attendance_rate",
        "course_completion_rate",
        "swemwbs_change",
        "qpr_change",
        "friends_and_family_positive",
    )
    for key in keys:
        mdef = REGISTRY[key]
        assert mdef.definition and mdef.numerator and mdef.denominator and mdef.frequency


def test_measures_on_a_hand_computed_fixture(m):
    college = m.college
    assert measures.students_attending(college) == {"2019-09": 3, "2019-10": 2}
    rate = measures.student_attendance_rate(college)
    assert rate["2019-09"] == pytest.approx(3 / 6) and rate["2019-10"] == pytest.approx(2 / 3)
    assert measures.course_completion_rate(college) == {"2019-10": pytest.approx(2 / 3)}
    assert measures.swemwbs_change(college) == {"2019-09": None, "2019-10": pytest.approx((3.93 + 18.03) / 2)}
    assert measures.qpr_change(college) == {"2019-09": None, "2019-10": 15}
    assert measures.friends_and_family_positive(college) == {"2019-09": None, "2019-10": pytest.approx(2 / 3)}


def test_measures_of_a_college_without_students(world):
    assert measures.students_attending(world.other_college) == {}
    assert measures.swemwbs_change(world.other_college) == {}
