"""Django's `flush` (empty every table), which lifts the audit log's database guard only for as
long as it takes. Tests that use a real transaction (browser tests) flush after each test."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from tandem.audit import db_guard


class Command(FlushCommand):
    help = FlushCommand.help + " The audit log's append-only triggers are lifted while it runs."

    def handle(self, **options):
        connection = connections[options["database"]]
        db_guard.remove(connection)
        try:
            return super().handle(**options)
        finally:
            db_guard.install(connection)
