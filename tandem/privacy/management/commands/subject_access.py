from pathlib import Path

from tandem.accounts.models import User
from tandem.core.management.base import TandemCommand, UsageError
from tandem.privacy import export
from tandem.tutors.models import Tutor


class Command(TandemCommand):
    help = (
        "Subject-access export: every record about a tutor (with their user account) or a user, with "
        "the audit entries about them, as JSON or PDF. Producing it is audited."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--tutor", type=int, metavar="ID", help="The tutor's number")
        who.add_argument("--user", type=int, metavar="ID", help="The user account's number")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument(
            "--output", required=True, metavar="FILE", help="Where to write it ('-' for stdout, JSON only)"
        )

    def handle(self, *args, tutor=None, user=None, format="json", output, **options):
        subject_tutor = subject_user = None
        if tutor is not None:
            subject_tutor = Tutor.objects.filter(pk=tutor).first()
            if subject_tutor is None:
                raise UsageError(f"--tutor: no tutor with number {tutor}")
        if user is not None:
            subject_user = User.objects.filter(pk=user).first()
            if subject_user is None:
                raise UsageError(f"--user: no user with number {user}")
        if output == "-" and format == "pdf":
            raise UsageError("--output: write a PDF to a file, not to stdout")
        if output != "-" and not Path(output).parent.is_dir():
            raise UsageError(f"--output: folder {Path(output).parent} does not exist")
        content = export.export(actor=None, tutor=subject_tutor, user=subject_user, fmt=format)
        if output == "-":
            self.stdout.write(content.decode("utf-8"))
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise UsageError(f"--output: cannot write {output}: {exc.strerror or exc}") from None
        self.stderr.write(f"Wrote the subject-access export ({format}) to {output}.")
