"""The list of release requests reads only what it shows: the request, its tutor, and a run's
course and term (five tables), newest first, from an index that starts from the College."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.release import services
from tandem.release.selectors import listed_requests

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(world):
    run = services.release_request_create(
        actor=world.tutor_user,
        tutor=world.staff,
        kind="run",
        run=world.run,
        sessions=[world.session],
        purpose="Co-deliver",
    )
    coproduction = services.release_request_create(
        actor=world.tutor_user,
        tutor=world.staff,
        kind="coproduction",
        purpose="New sleep course",
        hours=Decimal("6"),
        starts_on=dt.date(2019, 10, 1),
        ends_on=dt.date(2019, 10, 22),
    )
    return run, coproduction


def test_the_list_joins_five_tables_and_shows_each_column(world, client, requests):
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("release:list")).content.decode()
    (listing,) = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "release_releaserequest"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert listing.count(" JOIN ") == 4  # tutor, run, course, term
    assert "accounts_user" not in listing and '"purpose"' not in listing
    assert "Understanding anxiety, Autumn 2019 term (4 sessions)" in body
    assert "Co-production work from 01 Oct 2019 to 22 Oct 2019" in body
    assert body.count("Sam Staff") >= 2 and "2 requests" in body


def test_the_list_filters_by_status_newest_first(world, requests):
    run, coproduction = requests
    assert list(listed_requests(world.admin)) == [coproduction, run]
    services.release_withdraw(actor=world.tutor_user, release_request=run)
    assert list(listed_requests(world.admin, "pending")) == [coproduction]
    assert list(listed_requests(world.admin, "withdrawn")) == [run]
    assert list(listed_requests(world.admin, "no such status")) == [coproduction, run]
    assert list(listed_requests(world.other_admin)) == []
