"""Crawl the demo College as every role: every link Tandem shows works, no form answers 500.

For each demo login (admin, qi, tutor, peer, manager, leader, student), starting from the dashboard:

1. follow every same-site <a href> Tandem shows that role, breadth-first (skipping /static/,
   sign-out, mailto: and other schemes, and #anchors). No page may answer 5xx, and no link Tandem
   itself shows may answer 4xx: a 404 or 403 for a shown link is a bug (the link should not be
   shown, or the page should open). Downloads (a Content-Type other than HTML: CSV, PDF) are
   fetched once per URL pattern and their status checked, their body not parsed. To bound the
   time, at most PER_PATTERN distinct URLs are visited per URL pattern (route name plus the set of
   query parameter names) and at most 400 in all (the discovery is `tandem.tests.crawling`, which
   the browser's 320 px reflow crawl shares).
2. every <form method="post"> on the pages visited (at most PER_PATTERN per target pattern and
   set of field names; never sign-out) is posted empty and then with nonsense in every named
   field; the answer must never be a 5xx (a 200 with errors, a redirect, 400, 403, 404 or 409 are
   fine, and 429 from a rate limit). Forms are posted after the crawl, so a post that succeeds
   does not change what the crawl sees. A nonsense post may succeed and change records: each role
   runs in its own test, whose savepoint is rolled back, so the roles do not see each other's
   posts (and the rate limits' cache is cleared before each role).

A GET that writes to the database (other than the session and audit rows of a read) is noted in
the summary: a link should never change state.

The demo College is built once per module (a few seconds) in a transaction that is rolled back
at the end of the module; each role's test runs in a savepoint inside it, and each request in a
savepoint of its own (so a view's exception cannot abort the transaction on PostgreSQL). It works
on SQLite and PostgreSQL and under pytest-xdist (`make test` uses --dist loadfile, so the module
stays on one worker and the College is built once; under another --dist, each worker that runs
one of these tests builds its own copy in its own database).
"""

import time
from collections import Counter

import pytest
from django.db import transaction

from .crawling import discover, pattern, send, short

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = ("admin", "qi", "tutor", "peer", "manager", "leader", "student")
PER_PATTERN = 2  # distinct URLs visited per (route name, query parameter names); forms posted per target
NONSENSE = ("zz<script>", "-1", "9999-99-99")
# 429: the public interest form's rate limit ("Too many attempts"), a designed answer.
POST_OK = {200, 301, 302, 303, 400, 403, 404, 409, 429}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo College (seed 2019), kept for this module and rolled back at its end."""
    from tandem.demo.generate import generate

    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        generate(seed=2019)
        print(f"\ndemo College generated in {time.monotonic() - started:.1f} s")
        yield
        transaction.set_rollback(True)


def crawl(client, start="/"):
    """The links (tandem.tests.crawling.discover), then the POST forms found on the pages visited."""
    found = discover(client, (start,), per_pattern=PER_PATTERN)
    failures = list(found["failures"])

    # The forms, after the crawl (see the module's docstring).
    per_form_pattern = Counter()
    posted = 0
    for (action, fields), page_url in found["forms"].items():
        group = (pattern(action), fields)
        if per_form_pattern[group] >= PER_PATTERN:
            continue
        per_form_pattern[group] += 1
        payloads = [{}] + [dict.fromkeys(fields, value) for value in NONSENSE if fields]
        for data in payloads:
            status, _response, tb, _tables = send(client, "POST", action, data)
            posted += 1
            if status not in POST_OK:
                what = "empty" if not data else f"{len(data)} fields = {next(iter(data.values()))!r}"
                failures.append(
                    f"POST {status} {action} ({what}; form on {page_url})" + (f"\n{short(tb)}" if tb else "")
                )

    return {
        "visited": found["visited"],
        "patterns": found["patterns"],
        "forms": len(found["forms"]),
        "forms_posted": sum(per_form_pattern.values()),
        "posts": posted,
        "failures": failures,
        "notes": found["notes"],
        "skipped_by_cap": found["skipped_by_cap"],
    }


@pytest.mark.parametrize("username", ROLES)
def test_crawl(username, demo, client):
    from django.core.cache import caches

    from tandem.accounts.models import User

    for cache in caches.all():  # rate limits count per process: start every role afresh
        cache.clear()
    client.force_login(User.objects.get(username=username))
    started = time.monotonic()
    result = crawl(client)
    took = time.monotonic() - started
    statuses = Counter(result["visited"].values())
    print(
        f"\n{username}: {len(result['visited'])} URLs in {result['patterns']} patterns "
        f"({dict(sorted(statuses.items()))}); {result['forms_posted']} of {result['forms']} POST forms "
        f"posted {result['posts']} times; {sum(result['skipped_by_cap'].values())} links skipped by the caps; "
        f"{took:.1f} s"
    )
    for note in result["notes"]:
        print("  note:", note)
    assert not result["failures"], f"{username}: {len(result['failures'])} problems\n" + "\n".join(result["failures"])
