from datetime import datetime

from tandem.core.management.base import TandemCommand, UsageError
from tandem.students import services
from tandem.students.tasks import student_reminders


class Command(TandemCommand):
    help = (
        "Email every booked student a reminder the day before each of their sessions (once per session). "
        "Run it daily from cron; --enqueue hands it to the task worker instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue the work as a background task")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Act as if today were this date, YYYY-MM-DD (default: each College's today)",
        )

    def handle(self, *args, enqueue=False, as_of=None, **options):
        day = None
        if as_of is not None:
            try:
                day = datetime.strptime(as_of, "%Y-%m-%d").date()
            except ValueError:
                raise UsageError(f"--as-of must be a date written YYYY-MM-DD, not {as_of!r}") from None
        if enqueue:
            if day is not None:
                raise UsageError("--as-of cannot be combined with --enqueue")
            result = student_reminders.enqueue()
            self.stdout.write(f"Queued student reminders as task {result.id}.")
            return
        sent = services.send_reminders(today=day)
        self.stdout.write(f"Queued {sent} reminder email(s) for tomorrow's sessions.")
