from django.core.exceptions import ValidationError

from tandem.accounts.models import User
from tandem.core.management.base import TandemCommand, UsageError
from tandem.privacy import erasure
from tandem.tutors.models import Tutor


class Command(TandemCommand):
    help = (
        "Erase a tutor's (or a user account's) personal data by anonymisation, keeping what the law "
        "requires (payments for six years, without the name). The reason goes into the audit log."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--tutor", type=int, metavar="ID")
        who.add_argument("--user", type=int, metavar="ID")
        parser.add_argument("--reason", required=True, help="Why (recorded in the audit log)")

    def handle(self, *args, tutor=None, user=None, reason, **options):
        try:
            if tutor is not None:
                subject = Tutor.objects.filter(pk=tutor).first()
                if subject is None:
                    raise UsageError(f"--tutor: no tutor with number {tutor}")
                if erasure.is_erased_tutor(subject):
                    raise UsageError(f"--tutor: tutor {tutor} is already erased")
                summary = erasure.erase_tutor(actor=None, tutor=subject, reason=reason)
                for label, fields in summary["changed"].items():
                    self.stdout.write(f"{label}: {', '.join(fields)}")
                self.stdout.write("Kept: " + "; ".join(summary["kept"]))
                if summary["stories_with_their_name"]:
                    ids = ", ".join(str(i) for i in summary["stories_with_their_name"])
                    self.stdout.write(f"Stories that carry their name (not linked to the tutor: check them): {ids}")
            else:
                subject = User.objects.filter(pk=user).first()
                if subject is None:
                    raise UsageError(f"--user: no user with number {user}")
                erasure.erase_user(actor=None, user=subject, reason=reason)
                self.stdout.write(f"User {user} is anonymised and disabled.")
        except ValidationError as exc:
            raise UsageError("--reason: " + "; ".join(exc.messages)) from None
