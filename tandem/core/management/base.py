"""Shared behaviour of Tandem's own commands: bad input is one clear line on stderr and exit 2,
never a traceback (CONTRACTS.md common rules)."""

import sys

from django.core.management.base import BaseCommand, CommandError


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


class TandemCommand(BaseCommand):
    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except (UsageError, CommandError) as exc:
            sys.stderr.write(f"{argv[1]}: {exc}\n")
            sys.exit(2)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            sys.stderr.write(f"{subcommand}: {message}\n")
            sys.exit(2)

        parser.error = error
        return parser
