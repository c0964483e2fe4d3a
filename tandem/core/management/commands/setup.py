from django.conf import settings
from django.core.exceptions import ValidationError

from tandem.accounts.emails import set_password_link
from tandem.core.management.base import TandemCommand, UsageError
from tandem.core.setup import AlreadySetUp, college_setup


class Command(TandemCommand):
    help = (
        "Set up a College without the demo: the Trust, partner employers, the College with its usual "
        "term calendar and its first College admin, who sets a password from the one-time link printed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--trust", required=True, help="The NHS Trust's name (the employer the outcome measure counts)"
        )
        parser.add_argument("--college", required=True, help="The College's name")
        parser.add_argument("--slug", required=True, help="A short name for web addresses, like northvale")
        parser.add_argument("--partner", action="append", default=[], help="A partner employer (repeat for several)")
        parser.add_argument("--admin-username", required=True, help="The first College admin's username")
        parser.add_argument("--admin-email", required=True, help="The first College admin's email address")

    def handle(self, *args, trust, college, slug, partner, admin_username, admin_email, **options):
        try:
            found, admin = college_setup(
                actor=None,
                trust=trust,
                college=college,
                slug=slug,
                partners=partner,
                admin_username=admin_username,
                admin_email=admin_email,
            )
        except AlreadySetUp as exc:
            raise UsageError(str(exc)) from None
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise UsageError(f"--{field.replace('_', '-')}: {messages[0]}") from None
        terms = ", ".join(str(t) for t in found.terms.order_by("starts_on"))
        self.stdout.write(f"Set up {found.name} ({found.slug}) for {found.trust.name}, with the terms {terms}.")
        self.stdout.write(
            f"{admin.username} is its College admin. Send them this one-time link to set a password "
            f"(it works once, for {self.days()} days):"
        )
        self.stdout.write(set_password_link(admin))

    @staticmethod
    def days():
        return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
