import csv
import datetime as dt
import io
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from tandem.audit.models import AuditEvent
from tandem.courses.tests.factories import deliver
from tandem.payments.models import (
    Expense,
    Payment,
    PaymentChoice,
    PayPoint,
    PayPolicy,
    PayYear,
    RateCard,
    StaffPayGrade,
    WorkLog,
)
from tandem.tutors.models import Tutor

from .factories import grade, pay_year, payment_for_peer, rate_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_world(world):
    """Two peer tutors with delivered sessions, a rate card, generated payments."""
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
    deliver(w.run, dt.date(2019, 9, 10), [w.peer, w.peer2, w.staff])
    deliver(w.run, dt.date(2019, 9, 17), [w.peer, w.staff])
    return w


def generate(client, w):
    client.force_login(w.admin)
    return client.post(reverse("payments:generate"))


POST_ONLY = ["payments:generate", "payments:approve", "payments:mark_paid"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_on_a_post_view_is_405(world, client, name):
    client.force_login(world.admin)
    assert client.get(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", POST_ONLY)
def test_read_only_and_other_roles_cannot_post(paid_world, client, name):
    w = paid_world
    generate(client, w)
    before = list(Payment.objects.values_list("pk", "status"))
    for user in (w.leader, w.qi, w.tutor_user, w.peer_user, w.manager):
        client.force_login(user)
        assert client.post(reverse(name), {"ids": [p for p, _ in before]}).status_code == 403, user.username
    assert list(Payment.objects.values_list("pk", "status")) == before


def test_leader_cannot_change_the_pay_table_or_rate_cards(paid_world, client):
    w = paid_world
    year = pay_year(w.college)
    client.force_login(w.leader)
    assert (
        client.post(
            reverse("payments:pay_year", args=[year.pk]), {"band": "7", "point": 1, "annual_salary": "38000"}
        ).status_code
        == 403
    )
    assert client.post(reverse("payments:rate_card_new"), {}).status_code == 403
    assert client.post(reverse("payments:policy"), {"comparator": "floor"}).status_code == 403
    assert not PayPoint.objects.filter(band="7").exists()


def test_admin_generates_approves_marks_paid_and_exports(paid_world, client):
    w = paid_world
    response = generate(client, w)
    assert response.status_code == 302 and Payment.objects.count() == 3
    assert not Payment.objects.filter(tutor=w.staff).exists()
    page = client.get(reverse("payments:list")).content.decode()
    assert "Pat Peer" in page and "Robin Second" in page
    ids = list(Payment.objects.filter(tutor=w.peer).values_list("pk", flat=True))
    assert client.post(reverse("payments:approve"), {"ids": ids}).status_code == 302
    assert set(Payment.objects.values_list("tutor__first_name", "status")) == {
        ("Pat", "approved"),
        ("Robin", "pending"),
    }
    # Mark one paid; only approved payments are ever marked.
    client.post(reverse("payments:mark_paid"), {"ids": [ids[0], Payment.objects.get(tutor=w.peer2).pk]})
    assert Payment.objects.get(pk=ids[0]).status == "paid"
    assert Payment.objects.get(tutor=w.peer2).status == "pending"
    response = client.get(reverse("payments:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "reference" and len(rows) == 2  # only the one still approved (not paid, not pending)
    assert rows[1][1] == "Pat Peer" and rows[1][9] == "28.00" and rows[1][10] == "28.00"
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_approve_everything_the_filter_shows(paid_world, client):
    w = paid_world
    generate(client, w)
    query = f"tutor={w.peer2.pk}"
    response = client.post(reverse("payments:approve"), {"scope": "all", "query": query})
    assert response["Location"] == reverse("payments:list") + "?" + query
    assert set(Payment.objects.values_list("tutor__first_name", "status")) == {
        ("Pat", "pending"),
        ("Robin", "approved"),
    }


def test_list_filters(paid_world, client):
    w = paid_world
    generate(client, w)
    page = client.get(reverse("payments:list"), {"tutor": w.peer2.pk}).content.decode()
    assert "Robin Second</td>" in page and "Pat Peer</td>" not in page
    page = client.get(reverse("payments:list"), {"date_from": "2019-09-15"}).content.decode()
    assert "1 payment<" in page


def test_export_neutralises_formula_cells(paid_world, client):
    w = paid_world
    Tutor.objects.filter(pk=w.peer.pk).update(
        first_name='=HYPERLINK("http://x")', last_name="-Peer", email="@evil@example.org"
    )
    generate(client, w)
    client.post(reverse("payments:approve"), {"scope": "all", "query": ""})
    rows = list(csv.reader(io.StringIO(client.get(reverse("payments:export")).content.decode())))
    pat = [r for r in rows[1:] if "HYPERLINK" in r[1]]
    assert pat and all(r[1].startswith("'=HYPERLINK") and r[2] == "'@evil@example.org" for r in pat)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_export_quotes_every_cell_for_semicolon_locales(paid_world, client):
    w = paid_world
    Tutor.objects.filter(pk=w.peer.pk).update(last_name='Peer;=HYPERLINK("http://x")')
    generate(client, w)
    client.post(reverse("payments:approve"), {"scope": "all", "query": ""})
    text = client.get(reverse("payments:export")).content.decode()
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"'), line
    # Read with ";" as the separator, as a spreadsheet in such a locale does: no cell is a formula.
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell


def test_other_colleges_payment_is_404(paid_world, client):
    w = paid_world
    generate(client, w)
    payment = Payment.objects.first()
    client.force_login(w.other_admin)
    assert client.get(reverse("payments:detail", args=[payment.pk])).status_code == 404
    assert client.post(reverse("payments:choice", args=[payment.pk]), {"decision": "none"}).status_code == 404
    client.post(reverse("payments:approve"), {"ids": [payment.pk]})
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_tutor_sees_only_their_own_payments(paid_world, client):
    w = paid_world
    generate(client, w)
    client.force_login(w.peer_user)
    page = client.get(reverse("payments:mine")).content.decode()
    assert "2 payments" in page and "£56.00" in page
    robin = Payment.objects.get(tutor=w.peer2)
    assert client.get(reverse("payments:my_choice", args=[robin.pk])).status_code == 404  # wrong owner
    assert (
        client.post(
            reverse("payments:my_choice", args=[robin.pk]), {"decision": "none", "reason": "benefits"}
        ).status_code
        == 404
    )
    assert not PaymentChoice.objects.exists()
    client.force_login(w.tutor_user)  # Sam, a staff tutor: salaried, no payments
    page = client.get(reverse("payments:mine")).content.decode()
    assert "staff tutor" in page and "Pat Peer" not in page
    assert client.get(reverse("payments:my_choice", args=[robin.pk])).status_code == 404


def test_tutor_without_a_record_gets_404(world, client):
    world.peer.user = None
    world.peer.save()
    client.force_login(world.peer_user)
    assert client.get(reverse("payments:mine")).status_code == 404


def test_tutor_records_a_partial_take(paid_world, client):
    w = paid_world
    generate(client, w)
    payment = Payment.objects.filter(tutor=w.peer).first()
    url = reverse("payments:my_choice", args=[payment.pk])
    client.force_login(w.peer_user)
    page = client.get(url).content.decode()
    assert "checked" not in page  # nothing pre-selected: a choice is never a default
    response = client.post(url, {"decision": "part", "amount_taken": "40", "reason": "benefits"})
    assert response.status_code == 200
    assert "Enter an amount more than £0 and less than £28.00" in unescape(response.content.decode())
    response = client.post(url, {"decision": "part", "amount_taken": "10.50", "reason": "benefits"})
    assert response.status_code == 302 and response["Location"] == reverse("payments:mine")
    choice = PaymentChoice.objects.get(payment=payment)
    assert (choice.amount_taken, choice.reason, choice.recorded_by, choice.on_behalf) == (
        Decimal("10.50"),
        "benefits",
        w.peer_user,
        False,
    )
    event = AuditEvent.objects.get(object_type="payments.PaymentChoice")
    assert event.actor == w.peer_user and "reason" in event.fields


def test_missing_decision_links_to_the_first_radio(paid_world, client):
    w = paid_world
    generate(client, w)
    payment = Payment.objects.filter(tutor=w.peer).first()
    client.force_login(w.peer_user)
    page = client.post(reverse("payments:my_choice", args=[payment.pk]), {}).content.decode()
    assert 'href="#id_decision"' in page and 'id="id_decision"' in page


def test_admin_records_a_choice_on_behalf_only_with_how_it_was_stated(paid_world, client):
    w = paid_world
    generate(client, w)
    payment = Payment.objects.filter(tutor=w.peer).first()
    url = reverse("payments:choice", args=[payment.pk])
    client.force_login(w.admin)
    response = client.post(url, {"decision": "none", "reason": "benefits"})
    assert response.status_code == 200 and "Say how the tutor told you their choice" in unescape(
        response.content.decode()
    )
    response = client.post(url, {"decision": "none", "reason": "benefits", "stated_how": "By phone on 20 Sept 2019"})
    assert response.status_code == 302
    choice = PaymentChoice.objects.get(payment=payment)
    assert choice.on_behalf and choice.amount_taken == 0 and choice.recorded_by == w.admin


def test_rate_card_pages(world, client):
    client.force_login(world.admin)
    data = {
        "effective_from": "2018-04-01",
        "delivery_basis": "hour",
        "delivery_rate": "14.00",
        "hourly_rate": "14.00",
        "activities": ["delivery", "preparation"],
        "note": "Parity",
    }
    assert client.post(reverse("payments:rate_card_new"), data).status_code == 302
    card = RateCard.objects.get()
    assert card.pays_preparation and not card.pays_training and card.college == world.college
    response = client.post(reverse("payments:rate_card_new"), data)
    assert "Another rate card already starts on this date." in unescape(response.content.decode())
    edit = client.post(reverse("payments:rate_card_edit", args=[card.pk]), {**data, "activities": ["delivery"]})
    assert edit.status_code == 302
    card.refresh_from_db()
    assert not card.pays_preparation
    assert "14.00" in client.get(reverse("payments:rate_cards")).content.decode()
    client.force_login(world.other_admin)
    assert client.get(reverse("payments:rate_card_edit", args=[card.pk])).status_code == 404


def test_pay_table_pages(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("payments:pay_year_new"),
        {"label": "2019/20", "hcas_percent": "5", "hcas_min": "1000", "hcas_max": "1500", "illustrative": "on"},
    )
    year = PayYear.objects.get()
    assert response["Location"] == reverse("payments:pay_year", args=[year.pk])
    assert year.starts_on == dt.date(2019, 4, 1) and year.illustrative
    assert (
        client.post(
            reverse("payments:pay_year", args=[year.pk]), {"band": "5", "point": "1", "annual_salary": "24214"}
        ).status_code
        == 302
    )
    page = client.get(reverse("payments:pay_year", args=[year.pk])).content.decode()
    assert "£13.00" in page and "Illustrative" in page  # (24,214 + 1,210.70) / 52.143 / 37.5
    bad = client.post(reverse("payments:pay_year_new"), {"label": "2019-2020"})
    assert "Write the pay year like 2019/20" in unescape(bad.content.decode())
    client.post(reverse("payments:pay_year_new"), {"label": "2020/21", "hcas_percent": "10"})
    page = client.get(reverse("payments:pay_table")).content.decode()
    assert "10% a year" in page and "5%, at least £1,000.00, at most £1,500.00 a year" in page


def test_policy_and_grades(world, client):
    client.force_login(world.admin)
    response = client.post(reverse("payments:policy"), {"comparator": "floor", "prep_hours_per_session": "1"})
    assert "Enter the floor band" in unescape(response.content.decode())
    assert (
        client.post(
            reverse("payments:policy"), {"comparator": "floor", "floor_band": "5", "prep_hours_per_session": "1.5"}
        ).status_code
        == 302
    )
    assert PayPolicy.objects.get(college=world.college).prep_hours_per_session == Decimal("1.5")
    response = client.post(
        reverse("payments:grades"), {"tutor": world.staff.pk, "band": "6", "point": "2", "from_date": "2019-04-01"}
    )
    assert response.status_code == 302
    assert StaffPayGrade.objects.get(tutor=world.staff).band == "6"
    response = client.post(
        reverse("payments:grades"), {"tutor": world.peer.pk, "band": "6", "point": "2", "from_date": "2019-04-01"}
    )
    assert response.status_code == 200 and not StaffPayGrade.objects.filter(tutor=world.peer).exists()


def test_work_and_expenses_pages(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("payments:work"),
        {"tutor": world.peer.pk, "date": "2019-09-09", "activity": "preparation", "hours": "1.5", "run": world.run.pk},
    )
    assert response.status_code == 302 and WorkLog.objects.get().run == world.run
    response = client.post(
        reverse("payments:work"),
        {
            "tutor": world.peer.pk,
            "date": "2019-09-09",
            "activity": "preparation",
            "hours": "1",
            "run": world.other_run.pk,
        },
    )
    assert response.status_code == 200 and WorkLog.objects.count() == 1  # another College's run
    response = client.post(
        reverse("payments:expenses"),
        {"tutor": world.peer.pk, "date": "2019-09-09", "amount": "4.60", "description": "Bus fare"},
    )
    assert response.status_code == 302 and Expense.objects.get().amount == Decimal("4.60")
    client.force_login(world.peer_user)
    assert "Bus fare" in client.get(reverse("payments:mine")).content.decode()


def test_parity_report(paid_world, client):
    w = paid_world
    pay_year(w.college)
    grade(w.staff, "6", 1)
    generate(client, w)
    page = unescape(client.get(reverse("payments:parity")).content.decode())
    # £14 an hour over delivery + 1 h implied preparation a session: £28 / 3 h = £9.33 against £16.04.
    assert "Pat Peer" in page and "£6.71 below" in page
    client.force_login(w.leader)
    assert client.get(reverse("payments:parity")).status_code == 200
    client.force_login(w.peer_user)
    assert client.get(reverse("payments:parity")).status_code == 403


def test_detail_page(world, client):
    payment = payment_for_peer(world)
    client.force_login(world.admin)
    page = client.get(reverse("payments:detail", args=[payment.pk])).content.decode()
    assert payment.reference in page and "None recorded: paid in full" in page
