"""Two-factor sign-in in the browser: set up an authenticator, verify a code, and the lockout page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .conftest import assert_accessible, current_totp, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def otp_on(settings):
    settings.TANDEM_OTP_REQUIRED = True  # the live server runs in this process: it sees this too
    return settings


def test_first_sign_in_sets_up_then_later_sign_ins_verify(page, world, otp_on):
    TOTPDevice.objects.filter(user=world.qi).delete()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("qi")
    page.get_by_label("Password").fill("pw-qi")
    page.get_by_role("button", name="Sign in").click()
    assert "/two-factor/set-up/" in page.url
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert page.locator("#otp-secret").inner_text().strip()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm code").click()  # no code: a clear error
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(current_totp("qi"))
    page.get_by_role("button", name="Confirm code").click()
    assert page.get_by_role("heading", level=1).inner_text() == world.college.name
    assert TOTPDevice.objects.get(user=world.qi).confirmed

    page.goto("/sign-out/")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("qi")
    page.get_by_label("Password").fill("pw-qi")
    page.get_by_role("button", name="Sign in").click()
    assert "/two-factor/verify/" in page.url
    assert_accessible(page)
    page.goto("/tutors/")  # every page but sign-out sends them back to verify
    assert "/two-factor/verify/" in page.url


def test_sign_in_helper_completes_two_factor(page, world, otp_on):
    sign_in(page, "admin", "pw-admin")
    assert page.get_by_role("heading", level=1).inner_text() == world.college.name
    page.goto("/tutors/")
    assert page.url.endswith("/tutors/")


def test_lockout_page_says_why(page, world):
    for _ in range(5):
        sign_in(page, "leader", "wrong-password")
    assert "This account is locked" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
