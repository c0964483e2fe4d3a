import re
import sys

import orjson

from tandem.core.management.base import TandemCommand, UsageError
from tandem.core.models import College
from tandem.qi.measures import all_measures

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Command(TandemCommand):
    help = "Print every QI measure of a College, computed from its records, as JSON (CONTRACTS.md §3)."

    def add_arguments(self, parser):
        parser.add_argument("--college", default=None, help="College slug (default: the only College)")
        parser.add_argument("--from", dest="start", default=None, help="First month, YYYY-MM")
        parser.add_argument("--to", dest="end", default=None, help="Last month, YYYY-MM")

    def handle(self, *args, college=None, start=None, end=None, **options):
        for name, value in (("--from", start), ("--to", end)):
            if value is not None and not MONTH.match(value):
                raise UsageError(f"{name} must be a month written YYYY-MM, not {value!r}")
        if start and end and start > end:
            raise UsageError("--from must not be after --to")
        colleges = College.objects.all()
        if college:
            found = colleges.filter(slug=college).first()
            if found is None:
                raise UsageError(f"--college: no College with slug {college!r}")
        else:
            count = colleges.count()
            if count == 0:
                raise UsageError("--college: there is no College yet (run `tandem demo` or import one)")
            if count > 1:
                raise UsageError("--college: several Colleges exist; name one with --college SLUG")
            found = colleges.get()
        doc = {"college": found.slug, "measures": all_measures(found, start=start, end=end)}
        sys.stdout.buffer.write(orjson.dumps(doc) + b"\n")
