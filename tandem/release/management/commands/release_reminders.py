from datetime import datetime, time

from django.utils import timezone

from tandem.core.management.base import TandemCommand, UsageError
from tandem.release import services
from tandem.release.tasks import release_reminders


class Command(TandemCommand):
    help = (
        "Email line managers a reminder about release requests undecided after RELEASE_REMINDER_DAYS days "
        "(default 5) and expire those undecided after RELEASE_EXPIRY_DAYS days (default 21). "
        "Run it daily from cron; --enqueue hands it to the task worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the work as a background task")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Act as if today were this date, YYYY-MM-DD (for checking; default today)",
        )

    def handle(self, *args, enqueue=False, as_of=None, **options):
        now = None
        if as_of is not None:
            try:
                day = datetime.strptime(as_of, "%Y-%m-%d").date()
            except ValueError:
                raise UsageError(f"--as-of must be a date written YYYY-MM-DD, not {as_of!r}") from None
            now = timezone.make_aware(datetime.combine(day, time(12)))
        if enqueue:
            if now is not None:
                raise UsageError("--as-of cannot be combined with --enqueue")
            result = release_reminders.enqueue()
            self.stdout.write(f"Queued release reminders as task {result.id}.")
            return
        try:
            counts = services.send_reminders(now=now)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(
            f"Reminded line managers of {counts['reminded']} request(s); expired {counts['expired']} request(s)."
        )
