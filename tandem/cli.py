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
        from spc.cli import main as spc_main

        return spc_main(argv[1:])
    if command == "plan":
        from planner.cli import main as plan_main

        return plan_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
