"""The audit log: append-only in the model and in the database, every personal-data write audited
(field names, never values), and the admins' page with its filters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tandem.audit import db_guard
from tandem.audit.models import AuditEvent
from tandem.audit.services import record

pytestmark = pytest.mark.django_db

SECRET = "Heard voices for ten years"  # a special-category value that must never reach the log


def _event(world, **kwargs):
    return record(
        actor=world.admin,
        action=kwargs.pop("action", "update"),
        obj=kwargs.pop("obj", world.peer),
        fields=kwargs.pop("fields", ["email"]),
        **kwargs,
    )


def test_the_database_refuses_updates_and_deletes(world):
    event = _event(world)
    assert db_guard.installed(connection)
    table = AuditEvent._meta.db_table
    # The table name is the model's own and the id a bound parameter.
    forged = (
        f"UPDATE {table} SET action = 'forged' WHERE id = %s",  # nosec B608
        f"DELETE FROM {table} WHERE id = %s",  # nosec B608
    )
    for sql in forged:
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.action == "update"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")


def test_the_model_and_queryset_refuse_too(world):
    event = _event(world)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_deleting_a_user_only_clears_the_actor_link(world):
    from tandem.accounts.models import Role, User

    temp = User.objects.create_user(username="temp", password="x", role=Role.COLLEGE_ADMIN, college=world.college)
    event = record(actor=temp, action="update", obj=world.peer, fields=["email"])
    temp.delete()  # SET_NULL: the one update the triggers allow
    event.refresh_from_db()
    assert event.actor_id is None and event.actor_label == "temp" and event.action == "update"


def test_events_know_their_college(world):
    assert _event(world).college_id == world.college.pk
    assert record(actor=None, action="remind", obj=world.other_tutor).college_id == world.other_college.pk


# --- Every write to personal data is audited ------------------------------------------------------


def _latest(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("-id").first()


def test_tutor_story_consent_payment_release_and_sensitive_writes_are_audited(world):
    from tandem.payments.models import Payment
    from tandem.payments.services import approve_payments, mark_paid
    from tandem.payments.tests import factories as pay
    from tandem.release.services import release_decide, release_request_create
    from tandem.stories.services import consent_record, consent_withdraw, story_create
    from tandem.tutors.services import sensitive_profile_save, tutor_update

    tutor_update(actor=world.admin, tutor=world.peer, email="pat.new@example.org")
    assert _latest(world.peer).fields == ["email"] and _latest(world.peer).actor == world.admin

    profile = sensitive_profile_save(actor=world.admin, tutor=world.peer, lived_experience=SECRET, support_needs="")
    event = _latest(profile)
    assert event.action == "create" and event.fields == ["lived_experience"]

    story = story_create(
        actor=world.qi,
        college=world.college,
        title="Listening",
        text="I listen now.",
        author_kind="peer_tutor",
        author_name="Pat Peer",
        told_on=dt.date(2019, 3, 1),
        scope="internal",
        named=False,
        text_version="v1",
        given_on=dt.date(2019, 3, 1),
    )
    assert _latest(story).action == "create"
    consent = consent_record(
        actor=world.qi, story=story, scope="external", named=True, text_version="v2", given_on=dt.date(2019, 4, 1)
    )
    assert _latest(consent).action == "create"
    consent_withdraw(actor=world.qi, story=story)
    assert _latest(consent).action == "withdraw"

    payment = pay.payment_for_peer(world)
    approve_payments(actor=world.admin, payments=Payment.objects.filter(pk=payment.pk))
    assert _latest(payment).action == "approve"
    mark_paid(actor=world.admin, payment_id=payment.pk)
    assert _latest(payment).action == "mark_paid"

    rr = release_request_create(
        actor=world.tutor_user,
        tutor=world.staff,
        kind="run",
        run=world.run,
        sessions=[world.session],
        purpose="Teach anxiety",
    )
    assert _latest(rr).action == "create"
    release_decide(actor=world.manager, release_request=rr, decision="approve")
    assert _latest(rr).action == "decide"

    # Field names only: no value written anywhere reaches the log.
    for e in AuditEvent.objects.all():
        assert SECRET not in f"{e.fields} {e.note}" and "pat.new" not in f"{e.fields} {e.note}"
    assert Decimal  # (amounts are values too: never in fields or notes)


def test_bulk_payment_approval_writes_one_row_per_payment(world):
    from tandem.payments.models import Payment
    from tandem.payments.services import approve_payments
    from tandem.payments.tests import factories as pay

    first = pay.payment_for_peer(world)
    approve_payments(actor=world.admin, payments=Payment.objects.filter(pk=first.pk))
    assert AuditEvent.objects.filter(action="approve", object_id=str(first.pk)).count() == 1


# --- The sensitive profile ------------------------------------------------------------------------


def test_sensitive_profile_is_admin_only_and_every_read_is_audited(world, client):
    from tandem.tutors.models import SensitiveProfile
    from tandem.tutors.services import sensitive_profile_save

    sensitive_profile_save(actor=world.admin, tutor=world.peer, lived_experience=SECRET, support_needs="Quiet room")
    url = reverse("tutors:sensitive", args=[world.peer.pk])
    client.force_login(world.admin)
    reads = AuditEvent.objects.filter(action="read", object_type="tutors.SensitiveProfile")
    assert reads.count() == 0
    page = client.get(url).content.decode()
    assert SECRET in page
    assert reads.count() == 1 and reads.get().actor == world.admin
    assert sorted(reads.get().fields) == ["lived_experience", "support_needs"]
    client.get(url)
    assert reads.count() == 2
    # Not on the tutor pages, lists or the audit log page; not in the Django admin.
    for other in (reverse("tutors:detail", args=[world.peer.pk]), reverse("tutors:list"), reverse("audit:log")):
        assert SECRET not in client.get(other).content.decode()
    from django.contrib import admin

    assert SensitiveProfile not in admin.site._registry
    assert SECRET not in str(SensitiveProfile.objects.get()) and SECRET not in repr(SensitiveProfile.objects.get())
    for user in (world.qi, world.leader, world.peer_user, world.manager):
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert reads.count() == 2


def test_sensitive_profile_edit_and_delete(world, client):
    from tandem.tutors.models import SensitiveProfile

    client.force_login(world.admin)
    url = reverse("tutors:sensitive", args=[world.peer.pk])
    assert client.post(url, {"lived_experience": SECRET, "support_needs": "", "action": "save"}).status_code == 302
    assert SensitiveProfile.objects.get(tutor=world.peer).lived_experience == SECRET
    assert client.post(url, {"lived_experience": "", "support_needs": "", "action": "delete"}).status_code == 302
    assert not SensitiveProfile.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="tutors.SensitiveProfile").values_list("action", flat=True).order_by("id")
    ) == ["create", "delete"]
    assert client.get(reverse("tutors:sensitive", args=[world.staff.pk])).status_code == 404  # staff: none


# --- The audit log page ----------------------------------------------------------------------------


def test_admins_browse_their_colleges_log_with_filters(world, client):
    record(actor=world.admin, action="update", obj=world.peer, fields=["email"])
    record(actor=world.qi, action="create", obj=world.staff, fields=["team"])
    record(actor=world.other_admin, action="update", obj=world.other_tutor, fields=["email"])
    client.force_login(world.admin)
    url = reverse("audit:log")
    page = client.get(url).content.decode()
    assert "tutors.Tutor" in page and "otheradmin" not in page
    assert "2 events" in page
    page = client.get(url, {"actor": "qi"}).content.decode()
    assert "1 event" in page and ">team<" in page
    assert "1 event" in client.get(url, {"action": "update"}).content.decode()
    assert "2 events" in client.get(url, {"object_type": "tutors.Tutor"}).content.decode()
    today = dt.date.today().isoformat()
    assert "2 events" in client.get(url, {"date_from": today, "date_to": today}).content.decode()
    assert "0 events" in client.get(url, {"date_to": "2000-01-01"}).content.decode()
    bad = client.get(url, {"date_from": "2019-05-01", "date_to": "2019-04-01"})
    assert bad.status_code == 200 and "The end date must be" in bad.content.decode()
    assert client.post(url).status_code == 405
