"""The `tandem` command.

`tandem spc` and `tandem plan` are the pure cores' own commands and never load Django (their
contracts promise a fast, Django-free process). Every other sub-command is a Django management
command (`tandem migrate`, `tandem demo`, `tandem measures`, ...).
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else ""
    if command == "spc":
        from spc.cli import main as spc_main  # noqa: PLC0415 (CLI fast path: no Django until needed)

        return spc_main(argv[1:])
    if command == "plan":
        from planner.cli import main as plan_main  # noqa: PLC0415 (CLI fast path: no Django until needed)

        return plan_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (CLI fast path: no Django until needed)
    from django.db import DatabaseError  # noqa: PLC0415 (CLI fast path: no Django until needed)

    try:
        execute_from_command_line(["tandem", *argv])
    except DatabaseError:
        pending = _unmigrated()
        if pending is None:
            raise
        sys.stderr.write(f"tandem: the database has not been migrated ({pending}): run `tandem migrate` first\n")
        return 2
    return 0


def _unmigrated():
    """A short description of what is missing when the database lacks migrations, else None."""
    from django.db import DatabaseError, connection  # noqa: PLC0415 (CLI fast path: no Django until needed)
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415 (CLI fast path: no Django until needed)

    try:
        plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    except DatabaseError:
        return "it cannot be read"
    if not plan:
        return None
    return f"{len(plan)} migration{'s' if len(plan) != 1 else ''} not applied"


if __name__ == "__main__":
    sys.exit(main())
