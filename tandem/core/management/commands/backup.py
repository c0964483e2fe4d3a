from pathlib import Path

from tandem.core import backup
from tandem.core.management.base import TandemCommand, UsageError


class Command(TandemCommand):
    help = ("Write a portable backup of the whole database: a zip of JSON with a manifest (migrations, "
            "counts, fingerprint). Restores into SQLite or PostgreSQL with `tandem restore`. It holds "
            "personal and special-category data: store it encrypted.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write (for example tandem-2026-11-26.zip)")
        parser.add_argument("--force", action="store_true", help="Overwrite the file if it exists")

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        if path.exists() and not force:
            raise UsageError(f"{file} already exists (use --force to overwrite it)")
        if not path.parent.is_dir():
            raise UsageError(f"folder {path.parent} does not exist")
        try:
            manifest = backup.backup(path)
        except OSError as exc:
            raise UsageError(f"cannot write {file}: {exc.strerror or exc}") from None
        path.chmod(0o600)
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {total} records of {len(manifest['counts'])} kinds to {file} "
                          f"(fingerprint {manifest['fingerprint'][:12]}).")
