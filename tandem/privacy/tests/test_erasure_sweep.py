"""Erasure reaches every copy of a tutor's name and email: after erasing a tutor who appears in
planning jobs (instance, labels, results, what-ifs) and in the Django admin's log, no text or JSON
column of any table holds their first name, last name or email.

The sweep is generic (every model's CharField, TextField and JSONField), so it fails when a new
copy of a person's name appears somewhere erasure does not reach."""

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from tandem.privacy import erasure

pytestmark = pytest.mark.django_db

FIRST, LAST, EMAIL = "Zebedee", "Quillfeather", "zq.unique@example.nhs.uk"


def text_columns(model):
    return [
        f for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def sweep(*needles):
    """Every (model, field, pk) whose value holds one of the needles (case-insensitive)."""
    found = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = text_columns(model)
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._base_manager.values_list("pk", *names):
            for name, value in zip(names, row[1:]):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                if any(n in text.lower() for n in lowered):
                    found.append((model._meta.label, name, row[0]))
    return found


@pytest.fixture
def zebedee(world):
    """A staff tutor with an account, in a finished plan with a what-if, and in the admin log."""
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tandem.accounts.models import Role, User
    from tandem.planning.models import PlanJob, PlanWhatIf
    from tandem.planning.tests.factories import make_job
    from tandem.tutors.models import Tutor

    user = User.objects.create_user(
        username="zquill",
        password="pw-zquill-123",
        role=Role.TUTOR,
        college=world.college,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
    )
    tutor = Tutor.objects.create(
        college=world.college,
        kind="staff",
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        status="active",
        employer=world.trust,
        profession="Nurse",
        team="Community",
        line_manager=world.manager,
        user=user,
    )
    world.course.co_producers.add(tutor)
    job = make_job(world)
    assert f"{FIRST} {LAST}" in job.labels.values(), "the plan names the tutor"
    # Copies a planner answer or an older job may hold, wherever they are.
    job.result["notes"] = [f"{FIRST} {LAST} has no release budget", f"Ask {EMAIL}"]
    job.error = f"Could not place {LAST}, {FIRST}"
    job.save()
    PlanWhatIf.objects.create(
        job=job,
        tutor=tutor,
        hours=Decimal(6),
        status="finished",
        result={"message": f"Raising {FIRST} {LAST}'s release adds one run", "gain": 1},
    )
    assert PlanJob.objects.filter(pk=job.pk).exists()
    # The Django admin's log of a change to the tutor and to their account.
    for obj in (tutor, user):
        LogEntry.objects.create(
            user=world.admin,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["Email"]}}, f"was {EMAIL} ({FIRST} {LAST})"]),
        )
    return tutor


def test_erasure_leaves_no_copy_of_the_name_or_email_in_any_table(world, zebedee):
    before = sweep(FIRST, LAST, EMAIL)
    labels = {label for label, _field, _pk in before}
    assert {"tutors.Tutor", "accounts.User", "planning.PlanJob", "planning.PlanWhatIf", "admin.LogEntry"} <= labels

    erasure.erase_tutor(actor=world.admin, tutor=zebedee, reason="The tutor asked (request 2020-015)")

    left = sweep(FIRST, LAST, EMAIL)
    assert left == [], f"erasure left copies of the tutor's name or email in {left}"
    # The plan still works: its labels name the erased tutor by their new name.
    from tandem.planning.models import PlanJob
    from tandem.planning.present import PlanView

    zebedee.refresh_from_db()
    job = PlanJob.objects.get()
    assert zebedee.full_name in job.labels.values()
    PlanView(job)  # still readable


def test_erasing_a_user_scrubs_the_admin_log(world):
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tandem.accounts.models import Role, User

    user = User.objects.create_user(
        username="zquill",
        password="pw-zquill-123",
        role=Role.LEADER,
        college=world.college,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
    )
    LogEntry.objects.create(
        user=world.admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=ADDITION,
        change_message=f"Added {FIRST} {LAST} <{EMAIL}>",
    )
    erasure.erase_user(actor=world.admin, user=user, reason="Asked to be forgotten")
    assert sweep(FIRST, LAST, EMAIL, "zquill") == []
