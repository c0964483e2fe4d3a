"""Finding every page Tandem shows a role: a breadth-first crawl of the links on its pages.

Shared by the link and form crawl (`test_crawl.py`, Django's test client) and the 320 px reflow
crawl in the browser (`browser/test_reflow_crawl.py`), so both see the same pages: from the start
URLs, follow every same-site <a href> a page shows (skipping /static/, sign-out, mailto: and other
schemes, and #anchors), at most `per_pattern` distinct URLs per URL pattern (route name plus the
set of query parameter names; one for a download) and `limit` URLs in all.
"""

import re
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from django.db import connection, transaction
from django.urls import Resolver404, resolve

PER_PATTERN = 3  # distinct URLs visited per (route name, query parameter names)
LIMIT = 400  # URLs visited per crawl at most
SKIP_PREFIXES = ("/static/", "/sign-out/", "/logout")
GET_OK = {200, 301, 302, 303}
# Writes a GET may make: the session, and the audit row of an audited read.
GET_MAY_WRITE = {"django_session", "audit_auditevent"}


class Page(HTMLParser):
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


def same_site(base, href):
    """The same-site URL (path?query, no fragment) that href points to from base, else None."""
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc not in ("testserver", ""):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def pattern(url):
    """(route name, query parameter names): the group a URL counts against."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = f"<no route> {parts.path}"
    return name, tuple(sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)}))


class Writes:
    """Tables written to (INSERT/UPDATE/DELETE) while it is active."""

    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        m = self.WRITE.match(sql)
        if m:
            self.tables.add(m.group(1).lower())
        return execute(sql, params, many, context)


def send(client, method, url, data=None):
    """(status, response or None, traceback text or "", tables written). Each request runs in a
    savepoint, so a view's exception cannot poison the test's transaction on PostgreSQL."""
    writes = Writes()
    try:
        with transaction.atomic(), connection.execute_wrapper(writes):
            response = client.get(url) if method == "GET" else client.post(url, data or {})
            if response.streaming:
                b"".join(response.streaming_content)  # a download's errors surface while it streams
        return response.status_code, response, "", writes.tables
    except Exception:  # noqa: BLE001 - the view raised: the server would answer 500
        return 500, None, traceback.format_exc(), writes.tables


def short(tb, lines=14):
    tail = tb.strip().splitlines()[-lines:]
    return "\n".join("        " + line for line in tail)


def discover(client, starts=("/",), *, per_pattern=PER_PATTERN, limit=LIMIT):
    """GET every page reachable from `starts` by the links shown (within the caps). Returns a dict:
    visited (url -> status, in the order visited), pages (pattern -> the HTML pages answered 200,
    in the order found), forms ((action, field names) -> the page that shows the POST form),
    failures (a GET answering other than 2xx/3xx), notes (a GET that wrote to the database),
    patterns (how many) and skipped_by_cap (route name -> links not followed)."""
    visited = {}  # url -> status
    referrers = dict.fromkeys(starts, "(start)")
    per = Counter()
    download_patterns = set()
    queue = deque(starts)
    failures, notes, forms, pages = [], [], {}, {}
    skipped_by_cap = Counter()

    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        key = pattern(url)
        cap = 1 if key in download_patterns else per_pattern
        if per[key] >= cap or len(visited) >= limit:
            skipped_by_cap[key[0]] += 1
            continue
        per[key] += 1
        status, response, tb, tables = send(client, "GET", url)
        visited[url] = status
        if status not in GET_OK:
            failures.append(f"GET {status} {url}  (linked from {referrers[url]})" + (f"\n{short(tb)}" if tb else ""))
            continue
        if tables - GET_MAY_WRITE:
            notes.append(f"GET {url} wrote to {sorted(tables - GET_MAY_WRITE)} (linked from {referrers[url]})")
        if status in (301, 302, 303):
            target = same_site(url, response["Location"])
            if target and target not in referrers:
                referrers[target] = f"{referrers[url]} via redirect from {url}"
                queue.append(target)
            continue
        if not response["Content-Type"].startswith("text/html"):
            download_patterns.add(key)
            continue
        pages.setdefault(key, []).append(url)
        page = Page()
        page.feed(response.content.decode(response.charset or "utf-8", "replace"))
        for href in page.links:
            target = same_site(url, href)
            if target and target not in referrers:
                referrers[target] = url
                queue.append(target)
        for form in page.forms:
            if form["method"] != "post":
                continue
            action = same_site(url, form["action"] or url)
            if action is None:
                continue  # sign-out, or another site
            fields = tuple(f for f in form["fields"] if f != "csrfmiddlewaretoken")
            forms.setdefault((action, fields), url)

    return {
        "visited": visited,
        "pages": pages,
        "forms": forms,
        "failures": failures,
        "notes": notes,
        "patterns": len(per),
        "skipped_by_cap": skipped_by_cap,
    }
