"""`tandem demo [--seed N] [--slug SLUG]`: load the demo College into an empty database (or,
with --slug, one more College of the same kind beside the Colleges already there)."""

import re
import time

from tandem.core import dbstats
from tandem.core.management.base import TandemCommand, UsageError
from tandem.core.models import College
from tandem.demo import data, generate
from tandem.demo.generate import DemoError


class Command(TandemCommand):
    help = (
        "Load the demo College (Northvale Recovery College, invented people, autumn 2014 to autumn "
        "2019) into an empty database. The same seed always gives the same College."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2019, help="Random seed (default 2019)")
        parser.add_argument(
            "--slug",
            default=data.COLLEGE_SLUG,
            help=(
                "Add another demo College under this slug beside the Colleges already in the database, "
                "its logins named SLUG-admin, SLUG-leader, … (to try or measure many Colleges)"
            ),
        )

    def handle(self, *args, seed=2019, slug=data.COLLEGE_SLUG, **options):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", slug or ""):
            raise UsageError("--slug: lower-case letters, digits and hyphens, at most 40")
        if slug == data.COLLEGE_SLUG and College.objects.exists():
            raise UsageError("the database already holds a College; the demo loads only into an empty database")
        started = time.perf_counter()
        try:
            summary = generate(seed=seed, slug=slug)
        except DemoError as exc:
            raise UsageError(str(exc)) from None
        dbstats.analyze()  # bulk-loaded tables: PostgreSQL's planner needs their statistics now
        elapsed = time.perf_counter() - started
        tutors, runs, sessions = summary["tutors"], summary["runs"], summary["sessions"]
        out = self.stdout
        out.write(
            f"Demo College '{summary['college']}' generated from seed {seed} in {elapsed:.1f} s "
            f"(the demo's today is {summary['today']})."
        )
        out.write(
            f"  terms {summary['terms']}, sites {summary['sites']}, rooms {summary['rooms']}, "
            f"courses {summary['courses']}, organisations {summary['organisations']}"
        )
        out.write(
            f"  tutors {tutors['total']} ({tutors['peer']} peer, {tutors['staff']} staff, "
            f"{tutors['trust_staff']} of them Trust staff), line managers {summary['line_managers']}"
        )
        by_status = ", ".join(f"{n} {s}" for s, n in runs["by_status"].items())
        out.write(f"  course runs {runs['total']} ({by_status})")
        by_status = ", ".join(f"{n} {s}" for s, n in sessions["by_status"].items())
        out.write(f"  sessions {sessions['total']} ({by_status})")
        decisions = summary["release_decisions"]
        out.write(f"  release decisions {decisions['total']} ({decisions.get('approved', 0)} approved)")
        out.write(f"Demo logins (password '{summary['password']}' for all):")
        for username, role in summary["logins"].items():
            out.write(f"  {username:<8} {role}")
