from pathlib import Path

from tandem.core import backup
from tandem.core.management.base import TandemCommand, UsageError


class Command(TandemCommand):
    help = ("Restore a `tandem backup` archive into an EMPTY database at the same migrations (run "
            "`tandem migrate` first). Refuses a database that holds any records.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive written by `tandem backup`")

    def handle(self, *args, file, **options):
        if not Path(file).is_file():
            raise UsageError(f"{file}: no such file")
        try:
            manifest = backup.restore(file)
        except backup.BackupError as exc:
            raise UsageError(f"{file}: {exc}") from None
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {total} records of {len(manifest['counts'])} kinds from {file}.")
