"""In the browser: a College admin invites a new tutor; the tutor follows the emailed link, sets a
password, signs in and sees their own record; they change their password; a forgotten-password
email arrives and its link works once. axe checks every page."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tandem.tests.browser.conftest import assert_accessible, sign_in
from tandem.tutors.models import Tutor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in(message):
    return urlparse(re.search(r"https?://\S+/password/set/\S+/", message.body).group(0)).path


def sign_out(page):
    page.goto(reverse("accounts:logout"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_invite_set_password_sign_in_change_and_forget(page, world):
    newcomer = Tutor.objects.create(
        college=world.college,
        kind="peer",
        first_name="Robin",
        last_name="Ashdown",
        email="robin.ashdown@example.org",
        status="trained",
    )
    mail.outbox.clear()
    sign_in(page, "admin", "pw-admin")
    page.goto(reverse("tutors:detail", args=[newcomer.pk]))
    page.get_by_role("link", name="Invite Robin to Tandem").click()
    assert_accessible(page)
    page.get_by_label("Username").fill("robin")
    page.get_by_role("button", name="Send the invitation").click()
    assert "is invited" in page.locator(".nhsuk-notification-banner").inner_text()
    assert_accessible(page)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin.ashdown@example.org"]
    link = link_in(mail.outbox[0])
    sign_out(page)

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Set your password"
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    page.get_by_role("button", name="Set password").click()
    assert "at least 12 characters" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("lanterns over the harbour")
    page.get_by_label("New password confirmation").fill("lanterns over the harbour")
    page.get_by_role("button", name="Set password").click()
    assert "Your password is set" in page.locator(".nhsuk-notification-banner").inner_text()

    sign_in(page, "robin", "lanterns over the harbour")
    page.get_by_role("link", name="My record").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Robin Ashdown"
    assert_accessible(page)
    # The link worked once.
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "This link has expired"

    # Change the password (the name in the header leads there).
    page.goto(reverse("accounts:password_change"))
    assert_accessible(page)
    page.get_by_label("Old password").fill("lanterns over the harbour")
    page.get_by_label("New password", exact=True).fill("gulls above the quay")
    page.get_by_label("New password confirmation").fill("gulls above the quay")
    page.get_by_role("button", name="Change password").click()
    assert "Your password is changed" in page.locator(".nhsuk-notification-banner").inner_text()
    sign_out(page)

    # Forgotten password: the email's link works once.
    mail.outbox.clear()
    page.goto(reverse("accounts:login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("robin.ashdown@example.org")
    page.get_by_role("button", name="Email me a link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a quiet walk by the river")
    page.get_by_label("New password confirmation").fill("a quiet walk by the river")
    page.get_by_role("button", name="Set password").click()
    sign_in(page, "robin", "a quiet walk by the river")
    expect(page.get_by_role("link", name="My record").first).to_be_visible()
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "This link has expired"
