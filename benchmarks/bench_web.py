"""Web benchmark: the pages people open most, as ratios to the sign-in page, served by gunicorn
with production settings, at 1 and at 10 Colleges (issue 16).

    .venv/bin/python benchmarks/bench_web.py [--database-url postgres://…/NAME] [--colleges 1,10]
                                             [--requests 40] [--pdf-requests 5]
                                             [--users 5,10,20] [--user-requests 30] [--workers 3]

One database per number of Colleges in --colleges: temporary SQLite files, or on PostgreSQL the
database named by --database-url (it must be empty) for the first and NAME_c10 … for the others,
which the benchmark creates and drops. Each is loaded with the demo College (`tandem demo`, which
runs ANALYZE on PostgreSQL) and the extra Colleges beside it (`tandem demo --slug c02` …: more demo
Colleges with their own records and logins). Then one gunicorn per database, each ONE worker
(DEBUG off, the database cache, the production middleware), and the pages requested over HTTP as
the demo College's Trust leader (the sign-in page anonymously; the release list as its College
admin): each page in turn, on each database in turn, so that any change in the machine's load
(other work on it) falls on every page and every database alike. For each database, the median
(p50) of each page and its ratio to that database's sign-in page p50:

- *cached*: the steady state (what the pages compute from the College's records comes from the
  cache, tandem.core.versions);
- *after a write*: the College's data version bumped before every request, as any write to its
  records does, so each request computes everything afresh (the PDF: --pdf-requests requests).

Then, on the database with the most Colleges, the concurrency run: gunicorn with --workers workers
(3, as in docs/deployment.md) and 5, 10 and 20 users at once, each signed in and asking for the
dashboard --user-requests times: requests a second, p50 and p95.

The benchmark's own client runs on the same machine as the servers and the database and competes
with them for the CPU: the figures are for comparing, on one machine, within one run.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
CEILING, PDF_CEILING, SPREAD = 5.0, 20.0, 0.10  # issue 16: ≤5× (≤20× the PDF); 10 Colleges within 10% of 1
TARGETED = (
    "Dashboard",
    "Outcome chart",
    "Measures list",
    "Leader report (HTML)",
    "Pay parity",
    "Pay parity measure chart",
)


# --- The helper: one process per database, with Django set up on it -----------------------------


def helper():
    """Answers the benchmark on stdin/stdout (one JSON line each): the pages to measure, a signed-in
    session's cookie for a user, and bumps of the demo College's version (as a write does)."""
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from tandem.accounts.models import User  # noqa: PLC0415
    from tandem.core import versions  # noqa: PLC0415
    from tandem.qi.models import QIProject  # noqa: PLC0415

    project = QIProject.objects.get(college__slug="demo")
    for line in sys.stdin:
        ask = json.loads(line)
        if "pages" in ask:
            answer = [
                ("Sign-in page", None, reverse("accounts:login")),
                ("Dashboard", "leader", reverse("core:dashboard")),
                ("Outcome chart", "leader", reverse("qi:measure", args=[project.pk, "staff_tutors_teaching"])),
                ("Measures list", "leader", reverse("qi:measures")),
                ("Leader report (HTML)", "leader", reverse("qi:report", args=[project.pk])),
                ("Pay parity", "leader", reverse("payments:parity")),
                (
                    "Pay parity measure chart",
                    "leader",
                    reverse("qi:measure", args=[project.pk, "peer_pay_parity_breaches"]),
                ),
                ("Release requests (admin)", "admin", reverse("release:list")),
                ("Leader PDF", "leader", reverse("qi:report_pdf", args=[project.pk])),
            ]
        elif "cookie" in ask:
            client = Client()
            client.force_login(User.objects.get(username=ask["cookie"]))
            answer = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        else:
            versions.changed(project.college_id)
            answer = "ok"
        print(json.dumps(answer), flush=True)


class Helper:
    def __init__(self, env):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--helper"],
            env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "tandem.settings"},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, **question):
        self.proc.stdin.write(json.dumps(question) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --- Databases -----------------------------------------------------------------------------------


def base_environment():
    return {
        "TANDEM_DOTENV": "false",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on 127.0.0.1: no TLS proxy in front
        "TANDEM_OTP_REQUIRED": "false",
        "LOG_LEVEL": "ERROR",
    }


def with_name(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin_sql(url, sql):
    """Run CREATE/DROP DATABASE on the server of `url` (from its own database: autocommit)."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def databases(args, folder):
    """{colleges: environment} and the PostgreSQL databases this run created (to drop at the end)."""
    envs, created = {}, []
    for i, colleges in enumerate(args.counts):
        env = base_environment()
        if not args.database_url:
            env["SQLITE_PATH"] = str(Path(folder) / f"bench-{colleges}.sqlite3")
        elif i == 0:
            env["DATABASE_URL"] = args.database_url
        else:
            name = f"{urlsplit(args.database_url).path.lstrip('/')}_c{colleges}"
            try:
                admin_sql(args.database_url, f'CREATE DATABASE "{name}"')
            except Exception as exc:  # it exists (a run that was stopped), or no right to create one
                raise SystemExit(f"cannot create the database {name} for {colleges} Colleges: {exc}") from None
            created.append(name)
            env["DATABASE_URL"] = with_name(args.database_url, name)
        envs[colleges] = env
    return envs, created


def tandem(env, *command):
    subprocess.run(
        [str(BIN / "tandem"), *command], env={**os.environ, **env}, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )


def load(env, colleges):
    """The demo College, then c02, c03, … up to `colleges` demo Colleges."""
    for command in (["migrate", "--no-input"], ["createcachetable"], ["demo"]):
        tandem(env, *command)
    for n in range(2, colleges + 1):
        tandem(env, "demo", "--slug", f"c{n:02d}", "--seed", str(2019 + n))


# --- Serving and requesting ----------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving Tandem on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, env, workers, folder, probe):
        self.env, self.workers, self.folder, self.probe = env, workers, folder, probe
        self.port = free_port()

    def __enter__(self):
        log = Path(self.folder) / f"gunicorn-{self.port}.log"
        self.proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "tandem.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
                "--error-logfile",
                str(log),
            ],
            env={**os.environ, **self.env},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(self.port, self.probe)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start: see {log}")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def fetch(port, path, cookie=""):
    """GET the path: (status, seconds from sending the request to the last byte of the body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        conn.close()


def round_robin(targets, names, n, fresh=False):
    """Each named page n times on each database, pages and databases in turn: {colleges: {page:
    [seconds]}}. `targets`: {colleges: (port, {page: (user, path)}, {user: cookie}, helper)}.
    `fresh`: bump the College's version before each request."""
    times = {c: {name: [] for name in names} for c in targets}
    for i in range(n):
        order = list(targets.items())[:: 1 if i % 2 == 0 else -1]  # neither database always goes first
        for name in names:
            for colleges, (port, pages, cookies, helper_) in order:
                who, path = pages[name]
                if fresh:
                    helper_.ask(bump=True)
                status, seconds = fetch(port, path, cookies.get(who, ""))
                if status != 200:
                    raise SystemExit(f"{path} answered {status} ({colleges} Colleges)")
                times[colleges][name].append(seconds)
    return times


def ratio_runs(envs, helpers, args, folder):
    plans = {c: [tuple(p) for p in helpers[c].ask(pages=True)] for c in envs}
    names = [name for name, _who, _path in plans[args.counts[0]]]
    servers = {c: Server(envs[c], 1, folder, plans[c][0][2]) for c in envs}
    for server in servers.values():
        server.__enter__()
    try:
        targets = {}
        for c in envs:
            pages = {name: (who, path) for name, who, path in plans[c]}
            cookies = {who: helpers[c].ask(cookie=who) for who, _path in pages.values() if who}
            targets[c] = (servers[c].port, pages, cookies, helpers[c])
        round_robin(targets, names, 3)  # warm-up: imports, first renders, the cache
        cached = round_robin(targets, names, args.requests)
        fresh = round_robin(targets, [n for n in names if "PDF" not in n], args.requests, fresh=True)
        pdf = round_robin(targets, [n for n in names if "PDF" in n], args.pdf_requests, fresh=True)
    finally:
        for server in servers.values():
            server.__exit__()
    return {
        c: [(n, statistics.median(cached[c][n]), statistics.median({**fresh[c], **pdf[c]}[n])) for n in names]
        for c in envs
    }


def concurrency_run(env, helper_, args, folder, users_list):
    plan = helper_.ask(pages=True)
    probe, path = plan[0][2], plan[1][2]  # the sign-in page; the dashboard
    out = []
    with Server(env, args.workers, folder, probe) as server:
        for users in users_list:
            cookies = [helper_.ask(cookie="leader") for _ in range(users)]
            for cookie in cookies:
                fetch(server.port, path, cookie)  # warm-up, one each
            times, errors = [], []

            def user(cookie, times=times, errors=errors):
                for _ in range(args.user_requests):
                    status, seconds = fetch(server.port, path, cookie)
                    (times if status == 200 else errors).append(seconds)

            threads = [threading.Thread(target=user, args=(c,)) for c in cookies]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            out.append((users, len(times) / wall, statistics.median(times), p95, len(errors)))
    return out


# --- Report --------------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def report(db, results, args, load_average):
    print(
        f"\n{db}, gunicorn with 1 worker per database; p50 of {args.requests} requests per page "
        f"({args.pdf_requests} for the PDF after a write); ratio = p50 / the same database's sign-in "
        f"page p50 (cached); load average {load_average:.1f} during the run\n"
    )
    counts = list(results)
    head = " | ".join(f"{c} College{'s' if c > 1 else ''}: cached | ratio | after a write | ratio" for c in counts)
    print(f"| page | {head} |")
    print("|---|" + "---|---|---|---|" * len(counts))
    for i, (name, _c, _f) in enumerate(results[counts[0]]):
        cells = []
        for c in counts:
            base = results[c][0][1]
            _n, cached, fresh = results[c][i]
            cells += [ms(cached), f"{cached / base:.1f}", ms(fresh), f"{fresh / base:.1f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nTargets (issue 16), on the cached (steady-state) figures:")
    for c in counts:
        rows = {name: cached / results[c][0][1] for name, cached, _f in results[c]}
        over = [f"{n} {rows[n]:.1f}×" for n in TARGETED if rows[n] > CEILING]
        pdf = rows["Leader PDF"]
        print(
            f"  {c} College(s): the six pages at most {CEILING:g}× the sign-in page: "
            f"{'met (highest ' + f'{max(rows[n] for n in TARGETED):.1f}×)' if not over else 'NOT met: ' + ', '.join(over)}; "
            f"leader PDF {pdf:.1f}× ({'met' if pdf <= PDF_CEILING else 'NOT met'}, at most {PDF_CEILING:g}×)"
        )
    if len(counts) > 1:
        few, many = counts[0], counts[-1]
        # The two databases' pages are measured in turn, at the same moments: their p50s compare
        # directly (each ratio also carries its own sign-in page's p50).
        print(f"  {many} Colleges against {few}: p50 (ratio), at most {SPREAD:.0%} higher:")
        b1, b2 = results[few][0][1], results[many][0][1]
        for (name, c1, _f1), (_n, c2, _f2) in zip(results[few], results[many]):
            change = c2 / c1 - 1
            print(
                f"    {name}: {ms(c1)} → {ms(c2)} ({change:+.0%}; ratio {c1 / b1:.1f} → {c2 / b2:.1f}) "
                f"{'met' if change <= SPREAD else 'NOT met'}"
            )
    sys.stdout.flush()


def main():
    if sys.argv[1:] == ["--helper"]:
        return helper()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--colleges", default="1,10", help="numbers of Colleges, one database each (default 1,10)")
    parser.add_argument("--requests", type=int, default=40, help="requests per page (default 40)")
    parser.add_argument("--pdf-requests", type=int, default=5, help="requests of the PDF after a write (default 5)")
    parser.add_argument("--users", default="5,10,20", help="concurrent users (default 5,10,20; empty: none)")
    parser.add_argument("--user-requests", type=int, default=30, help="dashboard requests per user (default 30)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers for the concurrency run (default 3)")
    args = parser.parse_args()
    args.counts = sorted({int(n) for n in args.colleges.split(",") if n.strip()})
    users = [int(n) for n in args.users.split(",") if n.strip()]
    db = "PostgreSQL" if args.database_url else "SQLite"
    print(f"web benchmark: {db}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        envs, created = databases(args, folder)
        helpers = {}
        try:
            for colleges, env in envs.items():
                print(f"Loading {colleges} demo College(s) …", file=sys.stderr, flush=True)
                load(env, colleges)
            helpers = {c: Helper(env) for c, env in envs.items()}
            before = os.getloadavg()[0]
            results = ratio_runs(envs, helpers, args, folder)
            report(db, results, args, (before + os.getloadavg()[0]) / 2)
            if users:
                most = args.counts[-1]
                print(
                    f"\nConcurrency, {db}, {most} College(s): gunicorn, {args.workers} workers; each user asks for "
                    f"the dashboard {args.user_requests} times, all users at once\n"
                )
                print("| users | requests/s | p50 | p95 | errors |")
                print("|---|---|---|---|---|")
                for n, rate, p50, p95, errors in concurrency_run(envs[most], helpers[most], args, folder, users):
                    print(f"| {n} | {rate:.0f} | {ms(p50)} | {ms(p95)} | {errors} |", flush=True)
            print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
        finally:
            for h in helpers.values():
                h.close()
            for name in created:
                admin_sql(args.database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
