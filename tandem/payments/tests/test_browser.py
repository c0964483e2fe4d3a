"""In the browser: an admin generates, approves and exports payments; a peer tutor sees only their
own payments and records a partial take. axe finds no WCAG 2.2 AA violation on any page."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tandem.courses.tests.factories import deliver
from tandem.payments.models import Payment, PaymentChoice
from tandem.tests.browser.conftest import assert_accessible, sign_in
from tandem.tutors.models import Tutor

from .factories import grade, pay_year, rate_card

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pay_world(world):
    w = world
    w.peer2 = Tutor.objects.create(
        college=w.college,
        kind="peer",
        first_name="Robin",
        last_name="Second",
        email="robin@example.org",
        status="active",
    )
    rate_card(w.college, dt.date(2019, 4, 1), rate="14.00", hourly="14.00", pays=("delivery", "preparation"))
    pay_year(w.college, hcas_percent=5, hcas_min=1000, hcas_max=1500, illustrative=True)
    grade(w.staff, "5", 1)
    deliver(w.run, dt.date(2019, 9, 10), [w.peer, w.peer2, w.staff])
    deliver(w.run, dt.date(2019, 9, 17), [w.peer, w.staff])
    return w


def check(page, path=None, h1=None):
    if path:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
    assert page.locator("h1").count() == 1
    if h1:
        assert page.get_by_role("heading", level=1).inner_text() == h1
    assert "Tandem" in page.title()
    assert_accessible(page)


def test_admin_generates_approves_and_exports_payments(page, pay_world):
    w = pay_world
    sign_in(page, "admin", "pw-admin")
    # The header links to the payments (the NHS.UK header may fold it into its "More" menu).
    assert page.locator(f"header a[href='{reverse('payments:list')}']").count() == 1
    check(page, reverse("payments:list"), "Payments")
    page.get_by_role("button", name="Generate payments").click()
    assert "3 new payments generated" in page.locator(".nhsuk-notification-banner").inner_text()
    check(page)
    pat = Payment.objects.filter(tutor=w.peer).order_by("date")
    for p in pat:
        page.get_by_label(f"Select {p.reference}").check()
    page.get_by_role("button", name="Approve selected").click()
    assert "2 payments approved" in page.locator(".nhsuk-notification-banner").inner_text()
    assert set(Payment.objects.values_list("tutor__first_name", "status")) == {
        ("Pat", "approved"),
        ("Robin", "pending"),
    }
    with page.expect_download() as download:
        page.get_by_role("link", name="Export approved payments (CSV)").click()
    csv_text = open(download.value.path(), encoding="utf-8").read()
    lines = csv_text.strip().splitlines()
    assert len(lines) == 3 and all("Pat Peer" in line for line in lines[1:])
    # Mark one paid.
    page.get_by_label(f"Select {pat[0].reference}").check()
    page.get_by_role("button", name="Mark selected as paid").click()
    assert "1 payment marked as paid" in page.locator(".nhsuk-notification-banner").inner_text()
    assert Payment.objects.get(pk=pat[0].pk).status == "paid"
    # Every other payments page, each checked with axe.
    robin = Payment.objects.get(tutor=w.peer2)
    check(page, reverse("payments:detail", args=[robin.pk]), f"Payment {robin.reference}")
    page.get_by_role("link", name="Record the tutor's stated choice about this payment").click()
    page.get_by_role("button", name="Save the choice").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert "Error" in page.title()
    check(page)
    for name, h1 in (
        ("payments:rate_cards", "Rate cards"),
        ("payments:rate_card_new", "Add a rate card"),
        ("payments:pay_table", "Staff pay table"),
        ("payments:pay_year_new", "Add a pay year"),
        ("payments:grades", "Staff tutors' pay bands"),
        ("payments:policy", "Pay parity policy"),
        ("payments:work", "Logged work"),
        ("payments:expenses", "Expenses"),
        ("payments:parity", "Pay parity check"),
    ):
        check(page, reverse(name), h1)
    year = w.college.pay_years.get()
    check(page, reverse("payments:pay_year", args=[year.pk]), "Pay year 2019/20")
    check(page, reverse("payments:pay_year_edit", args=[year.pk]), "Edit pay year 2019/20")
    card = w.college.rate_cards.get()
    check(page, reverse("payments:rate_card_edit", args=[card.pk]))
    check(page, reverse("payments:parity") + "?show=all")
    check(page, reverse("payments:list") + f"?tutor={w.peer.pk}&status=approved")


def test_peer_tutor_sees_only_their_own_payments_and_takes_part_of_one(page, pay_world):
    w = pay_world
    from tandem.payments import services

    services.generate_payments(actor=w.admin, college=w.college)
    sign_in(page, "peer", "pw-peer")
    assert page.locator(f"header a[href='{reverse('payments:mine')}']").count() == 1
    check(page, reverse("payments:mine"), "My payments")
    table = page.locator("table").first.inner_text()
    assert "2 payments" in table and "£28.00" in table
    assert "Robin" not in page.content()
    robin = Payment.objects.get(tutor=w.peer2)
    assert page.goto(reverse("payments:my_choice", args=[robin.pk])).status == 404
    assert page.goto(reverse("payments:list")).status == 403
    page.goto(reverse("payments:mine"))
    page.get_by_role("link", name="Choose").first.click()
    check(page, h1="Your choice about this payment")
    page.get_by_label("Take part of it").check()
    page.get_by_role("button", name="Save my choice").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter how much of the payment to take" in summary.inner_text()
    assert "Choose the reason" in summary.inner_text()
    check(page)
    page.get_by_label("Take part of it").check()
    page.get_by_label("Amount to take (£) (optional)").fill("12.50")
    page.get_by_label("Reason (optional)").select_option("benefits")
    page.get_by_role("button", name="Save my choice").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My payments"
    assert "Your choice is recorded" in page.locator(".nhsuk-notification-banner").inner_text()
    check(page)
    choice = PaymentChoice.objects.get()
    assert choice.payment.tutor == w.peer and str(choice.amount_taken) == "12.50" and choice.recorded_by == w.peer_user
    assert "£12.50" in page.locator("table").first.inner_text()
