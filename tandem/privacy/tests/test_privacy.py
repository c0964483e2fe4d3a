"""GDPR: the registry covers every relation to a person, subject-access export (JSON, PDF, command,
page), erasure by anonymisation, and retention."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.management.base import UsageError
from tandem.privacy import erasure, export, retention
from tandem.privacy.registry import RELATIONS, Exempt, Export
from tandem.tutors.models import SensitiveProfile, Tutor

pytestmark = pytest.mark.django_db

SECRET = "Lived with psychosis since 2009"


def person_relations():
    """(label, field) of every ForeignKey, OneToOne and ManyToMany from any model to Tutor or User."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model in (Tutor, user_model):
                found.add((model._meta.label, field.name))
    return found


def test_every_relation_to_a_person_is_exported_or_exempt_with_a_reason():
    found = person_relations()
    missing = sorted(found - set(RELATIONS))
    assert not missing, (
        "Relations to a Tutor or User that the subject-access export neither exports nor exempts: "
        f"{missing}. Add each to tandem/privacy/registry.py RELATIONS as Export(...) or Exempt('reason')."
    )
    stale = sorted(set(RELATIONS) - found)
    assert not stale, f"tandem/privacy/registry.py names relations that no longer exist: {stale}"
    for key, spec in RELATIONS.items():
        assert isinstance(spec, (Export, Exempt)), key
        if isinstance(spec, Exempt):
            assert len(spec.reason) > 20, f"{key}: say why it is exempt"


@pytest.fixture
def peer_story(world):
    """The peer tutor with something in (nearly) every kind of record."""
    from tandem.payments.tests import factories as pay
    from tandem.planning.models import TutorAvailability
    from tandem.tutors.services import sensitive_profile_save

    sensitive_profile_save(actor=world.admin, tutor=world.peer, lived_experience=SECRET, support_needs="Breaks")
    payment = pay.payment_for_peer(world)
    TutorAvailability.objects.create(
        tutor=world.peer, weekday=1, slot=TutorAvailability._meta.get_field("slot").choices[0][0]
    )
    return payment


def test_the_export_has_a_section_for_every_exported_relation(world, peer_story):
    data = export.SubjectAccess(tutor=world.peer).collect().as_dict()
    for kind, _subject in (("tutor", world.peer), ("user", world.peer_user)):
        for label, name, spec in export.relations_to(kind):
            if isinstance(spec, Export):
                assert f"{label} ({name})" in data["sections"], f"{label}.{name} is not in the export"
            else:
                assert f"{label}.{name}" in data["not_included"]


def test_a_tutors_export_holds_their_records_and_audit_entries(world, peer_story):
    content = export.export(actor=world.admin, tutor=world.peer, fmt="json")
    data = json.loads(content)
    sections = data["sections"]
    assert sections["tutors.Tutor (the person)"]["records"][0]["email"] == "pat@example.org"
    assert sections["accounts.User (the person)"]["records"][0]["username"] == "peer"
    assert sections["tutors.SensitiveProfile (tutor)"]["records"][0]["lived_experience"] == SECRET
    payments = sections["payments.Payment (tutor)"]["records"]
    assert payments[0]["amount"] == str(peer_story.amount)
    assert sections["courses.CourseRun (tutors)"]["records"][0]["id"] == world.run.pk
    assert any(e["object_type"] == "tutors.SensitiveProfile" for e in data["audit_entries"])
    assert "password" not in content.decode() and "pbkdf2" not in content.decode().lower()
    assert (
        "key" not in sections["otp_totp.TOTPDevice (user)"]["records"][0]
        if sections["otp_totp.TOTPDevice (user)"]["records"]
        else True
    )
    # Producing the export was audited, and so was its reading of the sensitive profile.
    assert AuditEvent.objects.filter(action="export", object_id=str(world.peer.pk), object_type="tutors.Tutor").exists()
    assert AuditEvent.objects.filter(
        action="read", object_type="tutors.SensitiveProfile", note="subject access export"
    ).exists()


def test_a_users_export_never_includes_secrets(world):
    data = json.loads(export.export(actor=None, user=world.admin, fmt="json"))
    devices = data["sections"]["otp_totp.TOTPDevice (user)"]["records"]
    assert devices and set(devices[0]) == {"id", "name", "confirmed", "created_at", "last_used_at"}
    assert "password" not in data["sections"]["accounts.User (the person)"]["records"][0]
    assert data["sections"]["tutors.Tutor (line_manager)"]["records"] == []


def test_pdf_export(world, peer_story):
    content = export.export(actor=world.admin, tutor=world.peer, fmt="pdf")
    assert content.startswith(b"%PDF")


def test_subject_access_command(world, peer_story, tmp_path):
    out = tmp_path / "sar.json"
    call_command("subject_access", "--tutor", str(world.peer.pk), "--format", "json", "--output", str(out))
    assert json.loads(out.read_text())["subject"]["tutor"]["id"] == world.peer.pk
    pdf = tmp_path / "sar.pdf"
    call_command("subject_access", "--tutor", str(world.peer.pk), "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(UsageError, match="no tutor with number 999999"):
        call_command("subject_access", "--tutor", "999999", "--output", str(out))


def test_subject_access_page(world, peer_story, client):
    client.force_login(world.admin)
    assert client.get(reverse("privacy:home")).status_code == 200
    # A GET never exports (nor writes audit rows): the export is a POST.
    before = AuditEvent.objects.count()
    page = client.get(reverse("privacy:home"), {"tutor": world.peer.pk, "format": "json"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert AuditEvent.objects.count() == before
    assert 'method="post"' in client.get(reverse("privacy:home")).content.decode()
    response = client.post(reverse("privacy:home"), {"tutor": world.peer.pk, "format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["subject"]["tutor"]["id"] == world.peer.pk
    # Another College's tutor cannot be chosen.
    refused = client.post(reverse("privacy:home"), {"tutor": world.other_tutor.pk, "format": "json"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


# --- Erasure -----------------------------------------------------------------------------------------


def test_erasing_a_tutor_anonymises_them_and_keeps_what_the_law_requires(world, peer_story, client):
    peer_client = client.__class__()
    peer_client.force_login(world.peer_user)
    assert Session.objects.count() == 1
    summary = erasure.erase_tutor(actor=world.admin, tutor=world.peer, reason="The tutor asked (request 2020-014)")
    world.peer.refresh_from_db()
    assert world.peer.first_name == "Erased" and "Pat" not in world.peer.full_name
    assert world.peer.email.endswith("@erased.invalid") and world.peer.status == "left"
    assert not SensitiveProfile.objects.filter(tutor=world.peer).exists()
    peer_story.refresh_from_db()
    assert peer_story.amount == Decimal("28.00") and peer_story.tutor_id == world.peer.pk  # kept: six years
    # The College's records of what was delivered stay (the measures and pay count them), naming
    # the anonymised tutor: the session they co-delivered, and the run they are on.
    delivered = peer_story.session
    delivered.refresh_from_db()
    assert delivered.status == "delivered" and delivered.peer_count == 1
    assert list(delivered.delivered_by.filter(kind="peer")) == [world.peer]
    assert world.run.tutors.filter(pk=world.peer.pk).exists()
    world.peer_user.refresh_from_db()
    assert not world.peer_user.is_active and world.peer_user.username.startswith("erased-user-")
    assert not world.peer_user.has_usable_password()
    assert Session.objects.count() == 0  # signed out
    event = AuditEvent.objects.get(action="erase", object_type="tutors.Tutor", object_id=str(world.peer.pk))
    assert "request 2020-014" in event.note and event.actor == world.admin
    assert "first_name" in event.fields and "Pat" not in str(event.fields)
    assert summary["kept"]
    data = export.export(actor=None, tutor=world.peer, fmt="json").decode()
    assert "Pat" not in data and "pat@example.org" not in data and SECRET not in data


def test_erase_command_and_page(world, client):
    with pytest.raises(UsageError, match="--reason"):
        call_command("erase", "--tutor", str(world.unmanaged.pk), "--reason", "  ")
    call_command("erase", "--tutor", str(world.unmanaged.pk), "--reason", "Left in 2018; asked to be forgotten")
    world.unmanaged.refresh_from_db()
    assert erasure.is_erased_tutor(world.unmanaged)
    with pytest.raises(UsageError, match="already erased"):
        call_command("erase", "--tutor", str(world.unmanaged.pk), "--reason", "again")

    client.force_login(world.admin)
    url = reverse("privacy:erase_tutor", args=[world.staff.pk])
    refused = client.post(url, {"reason": "Asked by email"})  # not confirmed
    assert refused.status_code == 200 and "cannot be undone" in refused.content.decode()
    assert client.post(url, {"reason": "Asked by email", "confirm": "on"}).status_code == 302
    world.staff.refresh_from_db()
    assert erasure.is_erased_tutor(world.staff) and world.staff.employer_id == world.trust.pk


# --- Retention -----------------------------------------------------------------------------------------


def test_retention_anonymises_and_deletes_what_passed_its_period(world):
    from tandem.courses.tests import factories as courses
    from tandem.payments.models import Payment
    from tandem.payments.tests import factories as pay
    from tandem.pipeline.models import PipelineEntry
    from tandem.pipeline.tests.factories import make_entry
    from tandem.release.tests import factories as rel
    from tandem.stories.models import Story
    from tandem.stories.tests.factories import make_story

    today = dt.date(2026, 6, 1)
    Tutor.objects.filter(pk=world.unmanaged.pk).update(status="left", left_on=dt.date(2023, 1, 31))
    recent_leaver = Tutor.objects.create(
        college=world.college,
        kind="peer",
        first_name="Rae",
        last_name="Recent",
        email="rae@example.org",
        status="left",
        left_on=dt.date(2025, 9, 1),
    )
    old_payment = pay.payment_for_peer(world)
    Payment.objects.filter(pk=old_payment.pk).update(date=dt.date(2019, 3, 31))  # FY 2018/19
    kept_payment_session = courses.deliver(world.run, dt.date(2020, 4, 7), [world.peer, world.staff])
    kept = Payment.objects.create(
        tutor=world.peer,
        activity="delivery",
        session=kept_payment_session,
        run=world.run,
        date=dt.date(2020, 4, 7),
        hours=Decimal("2"),
        basis="hour",
        rate=Decimal("14"),
        amount=Decimal("28"),
        rate_card=old_payment.rate_card,
    )
    stale = make_entry(world, on=dt.date(2023, 5, 1))
    fresh = make_entry(world, email="new@example.nhs.uk", on=dt.date(2025, 11, 1))
    withdrawn = make_story(world, withdrawn=True)  # withdrawn on 2019-06-01
    live = make_story(world, title="Still consented")
    rr = rel.make_request(world, purpose="Teach the long course")
    type(rr).objects.filter(pk=rr.pk).update(requested_at=timezone.make_aware(dt.datetime(2019, 5, 1)))

    before = AuditEvent.objects.count()
    dry = {o.rule: o.count for o in retention.run(dry_run=True, today=today)}
    assert dry["left_tutor_years"] == 1 and dry["payments_years"] == 1 and dry["pipeline_years"] == 1
    assert dry["withdrawn_story_days"] == 1 and dry["release_text_years"] == 1
    assert AuditEvent.objects.count() == before  # a dry run changes nothing

    retention.run(today=today)
    world.unmanaged.refresh_from_db()
    recent_leaver.refresh_from_db()
    assert erasure.is_erased_tutor(world.unmanaged) and not erasure.is_erased_tutor(recent_leaver)
    assert not Payment.objects.filter(pk=old_payment.pk).exists() and Payment.objects.filter(pk=kept.pk).exists()
    assert not PipelineEntry.objects.filter(pk=stale.pk).exists() and PipelineEntry.objects.filter(pk=fresh.pk).exists()
    assert not Story.objects.filter(pk=withdrawn.pk).exists() and Story.objects.filter(pk=live.pk).exists()
    rr.refresh_from_db()
    assert rr.purpose == retention.CLEARED
    assert AuditEvent.objects.filter(
        action="delete", object_type="payments.Payment", object_id=str(old_payment.pk)
    ).exists()
    again = {o.rule: o.count for o in retention.run(dry_run=True, today=today)}
    assert not any(
        again[k]
        for k in ("left_tutor_years", "payments_years", "pipeline_years", "withdrawn_story_days", "release_text_years")
    )


def test_retention_command(world, capsys):
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "payments_years: 0 payments, work logs and expenses would be deleted" in out
