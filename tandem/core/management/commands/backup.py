import os
from pathlib import Path

from tandem.core.backups import backup, restore
from tandem.core.backups.archive import BackupError
from tandem.core.management.base import TandemCommand, UsageError


class Command(TandemCommand):
    help = (
        "Write a portable backup of the whole database, read from one consistent snapshot: a zip of "
        "JSON with a signed manifest (migrations, counts, hashes, fingerprint), checked before it is "
        "reported written. Restores into SQLite or PostgreSQL with `tandem restore`. It holds personal "
        "and special-category data and password hashes (not authenticator seeds): store it encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write (for example tandem-2026-11-26.zip)")
        parser.add_argument("--force", action="store_true", help="Overwrite the file if it exists")

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        if path.exists() and not force:
            raise UsageError(f"{file} already exists (use --force to overwrite it)")
        if not path.parent.is_dir():
            raise UsageError(f"folder {path.parent} does not exist")
        # Written beside the target, readable by the owner only from the start, and put in place
        # only once it has been checked: a failed backup never leaves a file under the given name.
        partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
        try:
            try:
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    manifest = backup.backup(out)
            except OSError as exc:
                raise UsageError(f"cannot write {file}: {exc.strerror or exc}") from None
            try:
                restore.verify(partial)
            except BackupError as exc:
                raise UsageError(f"the backup failed its check, nothing was written to {file}: {exc}") from None
            os.chmod(partial, 0o600)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        total = sum(manifest["counts"].values())
        self.stdout.write(
            f"Backed up {total} records of {len(manifest['counts'])} kinds to {file} "
            f"(fingerprint {manifest['fingerprint'][:12]}; checked and signed)."
        )
        devices = sum(manifest["left_out"].values())
        if devices:
            self.stdout.write(
                f"{devices} authenticator devices were left out (their seeds are secrets): "
                "after a restore those people set up two-factor again."
            )
