from tandem.core.management.base import TandemCommand
from tandem.privacy import retention


class Command(TandemCommand):
    help = (
        "Apply the retention periods (settings.TANDEM_RETENTION, RETENTION_* variables): anonymise or "
        "delete what has passed its period. Every change is audited. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be done")

    def handle(self, *args, dry_run=False, **options):
        outcomes = retention.run(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for o in outcomes:
            self.stdout.write(f"{o.rule}: {o.count} {o.what} {verb} {o.done}")
