"""People: a College admin invites a person, changes their role and tutor record, disables,
unlocks and resets two-factor; other roles and other Colleges cannot."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.accounts.models import User
from tandem.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def invite(client, **over):
    data = {
        "first_name": "Robin",
        "last_name": "New",
        "email": "robin@example.org",
        "username": "robin",
        "role": "tutor",
        "tutor": "",
    }
    data.update(over)
    return client.post(reverse("accounts:invite"), data)


def test_an_invitation_emails_a_one_time_link_and_links_the_tutor_record(
    world, client, django_capture_on_commit_callbacks
):
    world.peer.user = None
    world.peer.save()
    client.force_login(world.admin)
    page = client.get(reverse("accounts:invite") + f"?tutor={world.peer.pk}").content.decode()
    assert 'value="pat@example.org"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, tutor=world.peer.pk, email="pat@example.org", first_name="Pat", last_name="Peer")
    robin = User.objects.get(username="robin")
    assert response["Location"] == reverse("accounts:person", args=[robin.pk])
    assert (robin.college, robin.role, robin.has_usable_password()) == (world.college, "tutor", False)
    world.peer.refresh_from_db()
    assert world.peer.user == robin
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pat@example.org"]
    assert re.search(r"/password/set/\S+/\S+/", mail.outbox[0].body)
    assert AuditEvent.objects.filter(action="invite", object_id=str(robin.pk)).exists()


@pytest.mark.parametrize(
    "over,message",
    [
        ({"username": "admin"}, "The username admin is taken"),
        ({"username": "two words"}, "Enter a username of letters"),
        ({"email": "nope"}, "Enter an email address like"),
        ({"role": "superuser"}, "Choose a role from the list"),
        ({"role": "leader", "tutor": "PEER"}, "Only a tutor&#39;s account is linked to a tutor record"),
    ],
)
def test_bad_invitations_are_refused_plainly(world, client, over, message):
    if over.get("tutor") == "PEER":
        world.peer.user = None
        world.peer.save()
        over["tutor"] = world.peer.pk
    client.force_login(world.admin)
    body = invite(client, **over).content.decode()
    assert message in body and "There is a problem" in body
    assert not User.objects.filter(username="robin").exists()


def test_empty_invitation_names_each_field(world, client):
    client.force_login(world.admin)
    body = client.post(reverse("accounts:invite"), {}).content.decode()
    for message in ("Enter the person&#39;s first name", "Enter a username", "Choose the person&#39;s role"):
        assert message in body


def test_admin_changes_a_role_and_cannot_change_their_own(world, client):
    client.force_login(world.admin)
    url = reverse("accounts:person", args=[world.qi.pk])
    response = client.post(
        url, {"first_name": "Qi", "last_name": "Persona", "email": "qi@example.nhs.uk", "role": "leader", "tutor": ""}
    )
    assert response.status_code == 302
    world.qi.refresh_from_db()
    assert world.qi.role == "leader"
    event = AuditEvent.objects.filter(action="update", object_id=str(world.qi.pk)).latest("at")
    assert "role" in event.fields and "leader" not in event.note
    body = client.post(
        reverse("accounts:person", args=[world.admin.pk]),
        {"first_name": "Admin", "last_name": "Persona", "email": "a@example.nhs.uk", "role": "tutor", "tutor": ""},
    ).content.decode()
    assert "You cannot change your own role" in body


def test_disable_enable_unlock_and_reset_two_factor(world, client):
    client.force_login(world.admin)
    action = lambda name: client.post(reverse("accounts:person_action", args=[world.manager.pk, name]), follow=True)  # noqa: E731
    assert "The account is disabled" in action("disable").content.decode()
    world.manager.refresh_from_db()
    assert not world.manager.is_active
    action("enable")
    world.manager.refresh_from_db()
    assert world.manager.is_active

    AccessAttempt.objects.create(
        username="manager",
        ip_address="127.0.0.1",
        user_agent="x",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    assert "Locked" in client.get(reverse("accounts:people")).content.decode()
    action("unlock")
    assert not AccessAttempt.objects.filter(username="manager").exists()

    assert TOTPDevice.objects.filter(user=world.manager).exists()
    action("reset_two_factor")
    assert not TOTPDevice.objects.filter(user=world.manager).exists()
    assert set(
        AuditEvent.objects.filter(object_id=str(world.manager.pk), object_type="accounts.User").values_list(
            "action", flat=True
        )
    ) >= {"disable", "enable", "unlock", "two_factor_reset"}


def test_an_admin_cannot_disable_themselves(world, client):
    client.force_login(world.admin)
    body = client.post(
        reverse("accounts:person_action", args=[world.admin.pk, "disable"]), follow=True
    ).content.decode()
    assert "You cannot disable your own account" in body
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_another_colleges_person_is_not_found(world, client):
    client.force_login(world.admin)
    assert client.post(reverse("accounts:person_action", args=[world.other_admin.pk, "disable"])).status_code == 404
    world.other_admin.refresh_from_db()
    assert world.other_admin.is_active


@pytest.mark.parametrize("role", ["qi_team", "tutor", "line_manager", "leader"])
def test_only_college_admins_manage_people(world, client, role):
    client.force_login(world.users[role])
    assert invite(client).status_code == 403
    assert client.post(reverse("accounts:person_action", args=[world.leader.pk, "disable"])).status_code == 403
    assert not User.objects.filter(username="robin").exists()


def test_people_lists_staff_and_sends_students_to_their_own_page(world, client):
    for n in range(3):
        User.objects.create_user(
            username=f"learner{n}", college=world.college, role="student", first_name="Sam", last_name=f"L{n}"
        )
    client.force_login(world.admin)
    page = client.get(reverse("accounts:people")).content.decode()
    assert "learner0" not in page and world.admin.username in page
    students = User.objects.filter(college=world.college, role="student").count()
    assert students >= 3 and f"{students} students have accounts" in page and reverse("students:list") in page
