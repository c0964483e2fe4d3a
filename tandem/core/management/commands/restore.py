from pathlib import Path

from tandem.core.backups import restore
from tandem.core.backups.archive import BackupError
from tandem.core.management.base import TandemCommand, UsageError


class Command(TandemCommand):
    help = (
        "Restore a `tandem backup` archive into an EMPTY database at the same migrations (run "
        "`tandem migrate` first). Refuses a database that holds any records, and an archive that is "
        "unsigned, altered or signed with another BACKUP_SIGNING_KEY unless --trust-unsigned."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive written by `tandem backup`")
        parser.add_argument(
            "--trust-unsigned",
            action="store_true",
            help="Restore an archive whose signature is missing or does not match "
            "BACKUP_SIGNING_KEY (only one you know where it came from); every other "
            "check still applies",
        )

    def handle(self, *args, file, trust_unsigned=False, **options):
        if not Path(file).is_file():
            raise UsageError(f"{file}: no such file")
        try:
            manifest = restore.restore(file, trust_unsigned=trust_unsigned)
        except BackupError as exc:
            raise UsageError(f"{file}: {exc}") from None
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {total} records of {len(manifest['counts'])} kinds from {file}.")
        devices = sum(manifest["left_out"].values())
        if devices:
            self.stdout.write(
                f"{devices} authenticator devices were not in the archive: those people set up "
                "two-factor again at next sign-in."
            )
        operators = restore.superusers()
        if operators:
            self.stdout.write(
                f"Platform operators (superusers) restored: {', '.join(operators)}. Check they are the ones you expect."
            )
