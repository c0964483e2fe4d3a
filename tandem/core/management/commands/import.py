import os
import sys

from django.conf import settings

from tandem.core.importers import KINDS, human_size, import_file
from tandem.core.management.base import TandemCommand, UsageError
from tandem.core.models import College


class ImportRefused(Exception):
    """The file had problems (already printed, one a line, on stderr): nothing was written."""


class Command(TandemCommand):
    help = (
        "Import tutors or courses from a CSV file, or past session registers from a CSV or Excel (.xlsx) "
        "file. Every row is checked first: if any row has a problem, each is printed on stderr, nothing "
        "is written and the exit status is 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="What the file holds")
        parser.add_argument(
            "file",
            help="The CSV file (UTF-8 or Windows-1252; the first row holds the column names); "
            "for sessions also an Excel workbook (.xlsx, first sheet)",
        )
        parser.add_argument("--college", default=None, help="College slug (default: the only College)")

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except ImportRefused:
            sys.exit(2)

    def handle(self, *args, kind, file, college=None, **options):
        limit = settings.IMPORT_MAX_BYTES
        try:
            with open(file, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > limit:
                    raise UsageError(
                        f"{file} is too large: it is {human_size(size)} and the largest Tandem accepts is "
                        f"{human_size(limit)} (split it into smaller files)"
                    )
                data = handle.read(limit + 1)  # import_file refuses anything over the limit
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from None
        result = import_file(kind=kind, data=data, college=self.college(college), actor=None)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            count = len(result.errors)
            self.stderr.write(f"Nothing was imported: {count} problem{'' if count == 1 else 's'} in {file}.")
            raise ImportRefused
        noun = kind if result.count != 1 else kind[:-1]
        self.stdout.write(f"Imported {result.count} {noun}.")
        for note in result.notes:
            self.stdout.write(f"{note}.")

    @staticmethod
    def college(slug):
        colleges = College.objects.all()
        if slug:
            found = colleges.filter(slug=slug).first()
            if found is None:
                raise UsageError(f"--college: no College with slug {slug!r}")
            return found
        count = colleges.count()
        if count == 0:
            raise UsageError("--college: there is no College yet")
        if count > 1:
            raise UsageError("--college: several Colleges exist; name one with --college SLUG")
        return colleges.get()
