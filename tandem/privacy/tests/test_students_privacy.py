"""Subject access, erasure and retention cover students (tandem.students, part 2)."""

import datetime as dt
import json

from django.utils import timezone

from tandem.privacy import export, retention
from tandem.privacy.erasure import erase_student
from tandem.students import outcomes
from tandem.students.models import (
    Booking,
    EqualityMonitoring,
    Feedback,
    LearningGoal,
    PlanReview,
    Questionnaire,
    Student,
)


def _records(w):
    s = w.student
    Booking.objects.create(student=s, run=w.run, status=Booking.Status.BOOKED)
    outcomes.goal_add(actor=w.student_user, student=s, text="Go back to college", courses=[w.course])
    outcomes.review_add(actor=w.admin, student=s, reviewed_on=dt.date(2019, 9, 1), note="Good start")
    outcomes.questionnaire_save(
        actor=w.admin,
        student=s,
        run=w.run,
        kind="swemwbs",
        timing="start",
        items=[3] * 7,
        source="paper",
        completed_on=dt.date(2019, 9, 3),
    )
    outcomes.feedback_save(
        actor=w.admin,
        student=s,
        run=w.run,
        answer="good",
        comment="Robin made me welcome",
        source="paper",
        given_on=dt.date(2019, 9, 3),
    )
    outcomes.equality_save(actor=w.student_user, student=s, ethnicity="mixed")
    return s


def test_a_students_export_holds_their_plan_outcomes_and_equality_answers(world):
    _records(world)
    data = json.loads(export.export(actor=None, user=world.student_user, fmt="json"))
    text = json.dumps(data)
    for expected in ("Go back to college", "Good start", "Robin made me welcome", "mixed", "students.Questionnaire"):
        assert expected in text


def test_erasing_a_student_anonymises_them_and_keeps_scores_without_a_name(world):
    s = _records(world)
    s.adjustments = "A quiet seat"
    s.save()
    summary = erase_student(actor=world.admin, student=s, reason="asked to be forgotten")
    s.refresh_from_db()
    assert s.first_name == "Erased" and not s.email and not s.adjustments
    assert not LearningGoal.objects.filter(student=s).exists()
    assert not PlanReview.objects.filter(student=s).exists()
    assert not EqualityMonitoring.objects.filter(student=s).exists()
    assert Feedback.objects.get(student=s).comment == "" and Feedback.objects.get(student=s).answer == "good"
    assert Questionnaire.objects.get(student=s).raw == 21
    world.student_user.refresh_from_db()
    assert not world.student_user.is_active and world.student_user.username.startswith("erased-user-")
    assert "students.Student" in summary["changed"]


def test_retention_anonymises_students_with_nothing_at_the_college_for_six_years(world):
    old = Student.objects.create(
        college=world.college,
        first_name="Old",
        last_name="Timer",
        email="old@example.org",
        created_at=timezone.make_aware(dt.datetime(2012, 1, 10)),
    )
    recent = Student.objects.create(
        college=world.college,
        first_name="New",
        last_name="Comer",
        email="new@example.org",
        created_at=timezone.make_aware(dt.datetime(2012, 1, 10)),
    )
    Booking.objects.create(
        student=recent,
        run=world.run,
        status=Booking.Status.BOOKED,
        created_at=timezone.make_aware(dt.datetime(2019, 9, 1)),
    )
    outcomes_ = {o.rule: o for o in retention.run(dry_run=True, today=dt.date(2019, 10, 1))}
    assert outcomes_["student_years"].count >= 1
    retention.run(today=dt.date(2019, 10, 1))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.first_name == "Erased" and recent.first_name == "New"
    assert {o.rule: o for o in retention.run(dry_run=True, today=dt.date(2019, 10, 1))}["student_years"].count == 0
