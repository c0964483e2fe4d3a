"""The database's own guard on the audit log: triggers that refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) of audit_auditevent, whatever code or SQL tries it.

The one update allowed is a user account's deletion setting `actor_id` to NULL (Django's
SET_NULL), with every other column unchanged: `actor_label` keeps who acted.
"""

TABLE = "audit_auditevent"
KEPT_COLUMNS = ("id", "at", "actor_label", "action", "object_type", "object_id", "fields", "note", "college_id")

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
         AND ({", ".join("NEW." + c for c in KEPT_COLUMNS[:6])}, NEW.fields::text, NEW.note, NEW.college_id)
             IS NOT DISTINCT FROM
             ({", ".join("OLD." + c for c in KEPT_COLUMNS[:6])}, OLD.fields::text, OLD.note, OLD.college_id) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION USING MESSAGE = 'The audit log cannot be edited or deleted: ' || TG_OP || ' refused.',
        ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()""",
    f"""CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_change()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]

_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT_COLUMNS)
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON {TABLE}
        WHEN NOT (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL AND {_UNCHANGED})
        BEGIN SELECT RAISE(ABORT, 'The audit log cannot be edited.'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The audit log cannot be deleted.'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def statements(vendor, install=True):
    if vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def install(connection):
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=True):
            cursor.execute(sql)


def remove(connection):
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=False):
            cursor.execute(sql)


def installed(connection):
    """Whether the guard is in place (for `tandem check`-style tests and the flush command)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_auditevent_%' AND NOT tgisinternal"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_auditevent_%'"
            )
        else:
            return False
        return cursor.fetchone()[0] >= 2
