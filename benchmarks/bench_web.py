"""Web benchmark: the pages people open most, as ratios to the sign-in page (issue 16).

    .venv/bin/python benchmarks/bench_web.py [--requests 30] [--database-url postgres://…]

Loads the demo College into a fresh database (a temporary SQLite file, or the PostgreSQL database
named by --database-url, which must be empty), then, with production settings (DEBUG off, the
database cache) and the Django test client in this one process, requests each page as the demo's
Trust leader (the sign-in page anonymously) N times after two warm-up requests, and prints the
median (p50) wall time of each and its ratio to the sign-in page's median.

Two columns: *cached* is the steady state (the College's measures, pay parity and the PDF come
from the cache); *after a write* bumps the College's data version (tandem.core.versions) before
every request, as a write to its records does, so each request computes everything afresh.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TANDEM = ROOT / ".venv" / "bin" / "tandem"


def environment(args, folder):
    env = {
        "TANDEM_DOTENV": "false",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "TANDEM_OTP_REQUIRED": "false",
        "LOG_LEVEL": "ERROR",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env["SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
    return env


def load_demo(env):
    for command in (["migrate", "--no-input"], ["createcachetable"], ["demo"]):
        subprocess.run(
            [str(TANDEM), *command], env={**os.environ, **env}, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )


def timed(client, url, n, before=None):
    times = []
    for _ in range(n):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--pdf-requests", type=int, default=5, help="requests of the PDF after a write (default 5)")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        env = environment(args, folder)
        print("Loading the demo College …", file=sys.stderr)
        load_demo(env)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
        import django  # noqa: PLC0415

        django.setup()
        from django.db import connection  # noqa: PLC0415
        from django.test import Client  # noqa: PLC0415
        from django.urls import reverse  # noqa: PLC0415

        from tandem.accounts.models import User  # noqa: PLC0415
        from tandem.core import versions  # noqa: PLC0415
        from tandem.qi.models import QIProject  # noqa: PLC0415

        if connection.vendor == "postgresql":
            # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them
            # (the outcome measure's query then takes 0.4 s instead of 6 ms): gather them now.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        leader = User.objects.get(username="leader")
        project = QIProject.objects.get(college=leader.college)
        anonymous, client = Client(), Client()
        client.force_login(leader)
        pages = [
            ("Sign-in page", anonymous, reverse("accounts:login")),
            ("Dashboard", client, reverse("core:dashboard")),
            ("Outcome chart", client, reverse("qi:measure", args=[project.pk, "staff_tutors_teaching"])),
            ("Measures list", client, reverse("qi:measures")),
            ("Leader report (HTML)", client, reverse("qi:report", args=[project.pk])),
            ("Pay parity", client, reverse("payments:parity")),
            ("Pay parity measure chart", client, reverse("qi:measure", args=[project.pk, "peer_pay_parity_breaches"])),
            ("Leader PDF", client, reverse("qi:report_pdf", args=[project.pk])),
        ]

        def write():
            versions._bump_now(leader.college_id)

        rows = []
        for name, who, url in pages:
            timed(who, url, 2)
            cached = timed(who, url, args.requests)
            fresh = timed(who, url, args.pdf_requests if "PDF" in name else args.requests, before=write)
            rows.append((name, cached, fresh))

        base = rows[0][1]
        db = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"\nDemo College, {db}, Django test client in one process, p50 of {args.requests} requests "
            f"({args.pdf_requests} for the PDF after a write); ratio = p50 / sign-in page's cached p50\n"
        )
        print(f"{'page':<26} {'cached ms':>10} {'ratio':>6} {'after a write ms':>17} {'ratio':>6}")
        for name, cached, fresh in rows:
            print(f"{name:<26} {cached * 1000:>10.1f} {cached / base:>6.1f} {fresh * 1000:>17.1f} {fresh / base:>6.1f}")


if __name__ == "__main__":
    main()
