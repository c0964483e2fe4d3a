"""Crawl the demo College as every role: every link Tandem shows works, no form answers 500.

For each demo login (admin, qi, tutor, peer, manager, leader), starting from the dashboard:

1. follow every same-site <a href> Tandem shows that role, breadth-first (skipping /static/,
   sign-out, mailto: and other schemes, and #anchors). No page may answer 5xx, and no link Tandem
   itself shows may answer 4xx: a 404 or 403 for a shown link is a bug (the link should not be
   shown, or the page should open). Downloads (a Content-Type other than HTML: CSV, PDF) are
   fetched once per URL pattern and their status checked, their body not parsed. To bound the
   time, at most PER_PATTERN distinct URLs are visited per URL pattern (route name plus the set of
   query parameter names) and at most PER_ROLE in all.
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

import re
import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import pytest
from django.db import connection, transaction
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = ("admin", "qi", "tutor", "peer", "manager", "leader")
PER_PATTERN = 3  # distinct URLs visited per (route name, query parameter names)
PER_ROLE = 400  # URLs visited per role at most
NONSENSE = ("zz<script>", "-1", "9999-99-99")
SKIP_PREFIXES = ("/static/", "/sign-out/", "/logout")
# 429: the public interest form's rate limit ("Too many attempts"), a designed answer.
POST_OK = {200, 301, 302, 303, 400, 403, 404, 409, 429}
GET_OK = {200, 301, 302, 303}
# Writes a GET may make: the session, and the audit row of an audited read.
GET_MAY_WRITE = {"django_session", "audit_auditevent"}


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


class _Page(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"].strip())
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": (a.get("action") or "").strip(),
                "fields": [],
            }
            self.forms.append(self._form)
        elif (
            tag in ("input", "select", "textarea", "button")
            and self._form is not None
            and a.get("name")
            and a["name"] not in self._form["fields"]
        ):
            self._form["fields"].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _same_site(base, href):
    """The same-site URL (path?query, no fragment) that href points to from base, else None."""
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc not in ("testserver", ""):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _pattern(url):
    """(route name, query parameter names): the group a URL counts against."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = f"<no route> {parts.path}"
    return name, tuple(sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)}))


class _Writes:
    """Tables written to (INSERT/UPDATE/DELETE) while it is active."""

    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        m = self.WRITE.match(sql)
        if m:
            self.tables.add(m.group(1).lower())
        return execute(sql, params, many, context)


def _request(client, method, url, data=None):
    """(status, response or None, traceback text or "", tables written). Each request runs in a
    savepoint, so a view's exception cannot poison the test's transaction on PostgreSQL."""
    writes = _Writes()
    try:
        with transaction.atomic(), connection.execute_wrapper(writes):
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            if response.streaming:
                b"".join(response.streaming_content)  # a download's errors surface while it streams
        return response.status_code, response, "", writes.tables
    except Exception:  # noqa: BLE001 - the view raised: the server would answer 500
        return 500, None, traceback.format_exc(), writes.tables


def _short(tb, lines=14):
    tail = tb.strip().splitlines()[-lines:]
    return "\n".join("        " + line for line in tail)


def crawl(client, start="/"):
    visited = {}  # url -> status
    referrers = {start: "(start)"}
    per_pattern = Counter()
    download_patterns = set()
    queue = deque([start])
    failures, notes, forms = [], [], {}
    skipped_by_cap = Counter()

    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        key = _pattern(url)
        cap = 1 if key in download_patterns else PER_PATTERN
        if per_pattern[key] >= cap or len(visited) >= PER_ROLE:
            skipped_by_cap[key[0]] += 1
            continue
        per_pattern[key] += 1
        status, response, tb, tables = _request(client, "GET", url)
        visited[url] = status
        if status not in GET_OK:
            failures.append(f"GET {status} {url}  (linked from {referrers[url]})" + (f"\n{_short(tb)}" if tb else ""))
            continue
        if tables - GET_MAY_WRITE:
            notes.append(f"GET {url} wrote to {sorted(tables - GET_MAY_WRITE)} (linked from {referrers[url]})")
        if status in (301, 302, 303):
            target = _same_site(url, response["Location"])
            if target and target not in referrers:
                referrers[target] = f"{referrers[url]} via redirect from {url}"
                queue.append(target)
            continue
        if not response["Content-Type"].startswith("text/html"):
            download_patterns.add(key)
            continue
        page = _Page()
        page.feed(response.content.decode(response.charset or "utf-8", "replace"))
        for href in page.links:
            target = _same_site(url, href)
            if target and target not in referrers:
                referrers[target] = url
                queue.append(target)
        for form in page.forms:
            if form["method"] != "post":
                continue
            action = _same_site(url, form["action"] or url)
            if action is None:
                continue  # sign-out, or another site
            fields = tuple(f for f in form["fields"] if f != "csrfmiddlewaretoken")
            forms.setdefault((action, fields), url)

    # The forms, after the crawl (see the module's docstring).
    per_form_pattern = Counter()
    posted = 0
    for (action, fields), page_url in forms.items():
        group = (_pattern(action), fields)
        if per_form_pattern[group] >= PER_PATTERN:
            continue
        per_form_pattern[group] += 1
        payloads = [{}] + [dict.fromkeys(fields, value) for value in NONSENSE if fields]
        for data in payloads:
            status, _response, tb, _tables = _request(client, "POST", action, data)
            posted += 1
            if status not in POST_OK:
                what = "empty" if not data else f"{len(data)} fields = {next(iter(data.values()))!r}"
                failures.append(
                    f"POST {status} {action} ({what}; form on {page_url})" + (f"\n{_short(tb)}" if tb else "")
                )

    return {
        "visited": visited,
        "patterns": len(per_pattern),
        "forms": len(forms),
        "forms_posted": sum(per_form_pattern.values()),
        "posts": posted,
        "failures": failures,
        "notes": notes,
        "skipped_by_cap": skipped_by_cap,
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
