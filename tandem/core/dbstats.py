"""Planner statistics after a bulk load.

PostgreSQL plans each query from statistics that autovacuum gathers some time after rows arrive.
Right after the demo College is loaded or a backup restored, the tables are full but their
statistics still describe them as empty, and the planner picks nested loops over thousands of
rows (the outcome measure then takes 0.4 s instead of 6 ms). `analyze()` gathers them at once.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def analyze(using=DEFAULT_DB_ALIAS):
    """Gather PostgreSQL's planner statistics for every table (outside any transaction, so it
    sees the rows just committed). Does nothing on SQLite. Returns whether it ran."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
