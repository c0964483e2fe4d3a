"""Starting a real College without the demo: `tandem setup` and the first-run page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tandem.accounts.models import Role, User
from tandem.cli import main
from tandem.core.models import College, Organisation, Term

pytestmark = pytest.mark.django_db

ARGS = [
    "setup",
    "--trust",
    "Westmoor NHS Foundation Trust",
    "--college",
    "Westmoor Recovery College",
    "--slug",
    "westmoor",
    "--partner",
    "Westmoor Council",
    "--partner",
    "Mind in Westmoor",
    "--admin-username",
    "rhona",
    "--admin-email",
    "rhona.admin@westmoor.example.nhs.uk",
]


def test_setup_creates_the_college_its_terms_and_a_first_admin_with_a_one_time_link(capsys, keep_connection, client):
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    college = College.objects.get(slug="westmoor")
    assert college.trust.name == "Westmoor NHS Foundation Trust" and college.trust.is_trust
    assert set(Organisation.objects.filter(is_trust=False).values_list("name", flat=True)) == {
        "Westmoor Council",
        "Mind in Westmoor",
    }
    assert Term.objects.filter(college=college).count() == 6
    admin = User.objects.get(username="rhona")
    assert (admin.role, admin.college, admin.is_superuser, admin.is_staff) == (
        Role.COLLEGE_ADMIN,
        college,
        False,
        False,
    )
    assert not admin.has_usable_password()
    link = re.search(r"https?://\S+/password/set/\S+/", out).group(0)
    path = link.split("8000", 1)[1] if "8000" in link else link
    # The link sets a password once.
    response = client.get(path, follow=True)
    assert "Set your password" in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"new_password1": "river stones and tea", "new_password2": "river stones and tea"})
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("river stones and tea")
    assert "This link has expired" in client.get(path, follow=True).content.decode()


def test_setup_again_changes_nothing_and_says_so(capsys, keep_connection):
    assert main(ARGS) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main([*ARGS[:-4], "--admin-username", "other", "--admin-email", "other@example.nhs.uk"])
    assert exit_.value.code == 2
    assert "exists already: nothing was changed" in capsys.readouterr().err
    assert not User.objects.filter(username="other").exists() and College.objects.count() == 1


@pytest.mark.parametrize(
    "change,message",
    [
        (("--slug", "Not A Slug!"), "--slug: Enter a short name for web addresses"),
        (("--admin-email", "not-an-email"), "--admin-email: Enter the admin's email address"),
        (("--admin-username", "has space"), "--admin-username: Enter a username of letters"),
    ],
)
def test_bad_setup_input_names_the_option(capsys, keep_connection, change, message):
    args = list(ARGS)
    args[args.index(change[0]) + 1] = change[1]
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert not College.objects.exists()


def test_a_platform_operator_is_led_to_the_first_run_page_and_sets_up_the_college(client):
    operator = User.objects.create_user("op", password="operator password 1", is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get("/")["Location"] == reverse("core:setup")
    body = client.post(reverse("core:setup"), {}).content.decode()
    assert "Enter the Trust&#39;s name" in body and "There is a problem" in body
    response = client.post(
        reverse("core:setup"),
        {
            "trust": "Westmoor NHS Foundation Trust",
            "college": "Westmoor Recovery College",
            "slug": "westmoor",
            "partners": "Westmoor Council\n\nMind in Westmoor",
            "admin_username": "rhona",
            "admin_email": "rhona@westmoor.example.nhs.uk",
        },
    )
    assert response.status_code == 200 and "/password/set/" in response.content.decode()
    assert College.objects.get().slug == "westmoor"
    # Once a College exists the page is gone; the operator's start page lists the Colleges.
    assert client.get(reverse("core:setup")).status_code == 404
    assert "Westmoor Recovery College" in client.get("/").content.decode()


def test_nobody_else_reaches_the_first_run_page(client):
    user = User.objects.create_user("someone", password="a long password here", role=Role.COLLEGE_ADMIN)
    client.force_login(user)
    assert client.get(reverse("core:setup")).status_code == 404
    assert client.post(reverse("core:setup"), {"trust": "x"}).status_code == 404


def test_a_forgotten_password_email_has_a_link_that_works_once(client):
    User.objects.create_user("pat", email="pat@example.org", password="an old password 1")
    response = client.post(reverse("accounts:password_forgotten"), {"email": "pat@example.org"})
    assert response["Location"] == reverse("accounts:password_forgotten_sent")
    # The same answer for an address nobody has; no email then.
    assert client.post(reverse("accounts:password_forgotten"), {"email": "nobody@example.org"})["Location"] == reverse(
        "accounts:password_forgotten_sent"
    )
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/password/set/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"}).content.decode()
    assert "at least 12 characters" in short
    assert (
        client.post(
            form_url, {"new_password1": "a new long password", "new_password2": "a new long password"}
        ).status_code
        == 302
    )
    assert User.objects.get(username="pat").check_password("a new long password")
    assert "This link has expired" in client.get(path, follow=True).content.decode()


def test_a_user_changes_their_password_and_it_is_audited(world, client):
    from tandem.audit.models import AuditEvent

    client.force_login(world.leader)
    url = reverse("accounts:password_change")
    body = client.post(url, {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}).content.decode()
    assert "There is a problem" in body
    response = client.post(
        url,
        {
            "old_password": "pw-leader",
            "new_password1": "harbour lights at dusk",
            "new_password2": "harbour lights at dusk",
        },
    )
    assert response.status_code == 302
    world.leader.refresh_from_db()
    assert world.leader.check_password("harbour lights at dusk")
    assert AuditEvent.objects.filter(action="change_password", actor=world.leader).exists()
