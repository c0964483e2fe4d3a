from html import unescape

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.tutors.models import Tutor

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "staff",
    "first_name": "Robin",
    "last_name": "Lark",
    "email": "robin.lark@example.nhs.uk",
    "status": "trained",
    "profession": "Psychologist",
    "team": "Early intervention",
}


def test_admin_creates_a_staff_tutor_and_it_is_audited(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("tutors:create"), {**VALID, "employer": world.trust.pk, "line_manager": world.manager.pk}
    )
    tutor = Tutor.objects.get(email="robin.lark@example.nhs.uk")
    assert response.status_code == 302 and response["Location"] == reverse("tutors:detail", args=[tutor.pk])
    assert tutor.college == world.college and tutor.is_trust_staff
    event = AuditEvent.objects.get(action="create", object_id=str(tutor.pk))
    assert event.actor == world.admin and "email" in event.fields


def test_staff_tutor_without_employer_is_refused_with_a_named_field(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("tutors:create"), VALID)
    assert response.status_code == 200
    assert "Choose the staff tutor's employer" in unescape(response.content.decode())
    assert not Tutor.objects.filter(email=VALID["email"]).exists()


def test_peer_tutor_never_keeps_employment_fields(world, client):
    client.force_login(world.admin)
    client.post(reverse("tutors:create"), {**VALID, "kind": "peer", "employer": world.trust.pk})
    tutor = Tutor.objects.get(email=VALID["email"])
    assert tutor.employer is None and tutor.profession == "" and tutor.team == ""


def test_edit_records_changed_fields_only(world, client):
    client.force_login(world.admin)
    data = {
        **VALID,
        "email": world.staff.email,
        "first_name": world.staff.first_name,
        "last_name": "Staff-Jones",
        "kind": "staff",
        "status": "active",
        "employer": world.trust.pk,
        "line_manager": world.manager.pk,
        "profession": world.staff.profession,
        "team": world.staff.team,
    }
    assert client.post(reverse("tutors:edit", args=[world.staff.pk]), data).status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.last_name == "Staff-Jones"
    event = AuditEvent.objects.get(action="update", object_id=str(world.staff.pk))
    assert "last_name" in event.fields and "email" not in event.fields


def test_wrong_college_is_404(world, client):
    client.force_login(world.admin)
    assert client.post(reverse("tutors:edit", args=[world.other_tutor.pk]), VALID).status_code == 404


def test_read_only_roles_cannot_post(world, client):
    for user in (world.leader, world.qi, world.tutor_user):
        client.force_login(user)
        assert client.post(reverse("tutors:create"), {**VALID, "employer": world.trust.pk}).status_code == 403
    assert not Tutor.objects.filter(email=VALID["email"]).exists()


def test_list_view_refuses_post(world, client):
    client.force_login(world.admin)
    assert client.post(reverse("tutors:list")).status_code == 405


def test_register_filters(world, client):
    client.force_login(world.qi)
    page = client.get(reverse("tutors:list"), {"kind": "peer"}).content.decode()
    assert "Pat Peer" in page and "Sam Staff" not in page
    page = client.get(reverse("tutors:list"), {"q": "nurse"}).content.decode()
    assert "Sam Staff" in page and "Pat Peer" not in page
    assert "Oli Far" not in client.get(reverse("tutors:list")).content.decode()  # other College


def test_line_manager_sees_only_their_staff(world, client):
    client.force_login(world.manager)
    assert client.get(reverse("tutors:detail", args=[world.staff.pk])).status_code == 200
    assert client.get(reverse("tutors:detail", args=[world.unmanaged.pk])).status_code == 404
