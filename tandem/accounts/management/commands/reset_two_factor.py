from tandem.accounts.models import User
from tandem.accounts.two_factor import reset
from tandem.core.management.base import TandemCommand, UsageError


class Command(TandemCommand):
    help = (
        "Remove a user's authenticator app (lost or replaced phone): they set up a new one at their "
        "next sign-in. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise UsageError(f"no user called {username!r}")
        count = reset(actor=None, user=user)
        self.stdout.write(f"Removed {count} authenticator device{'' if count == 1 else 's'} of {username}.")
