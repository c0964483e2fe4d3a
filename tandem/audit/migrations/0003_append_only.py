"""Database triggers refusing UPDATE and DELETE of audit rows (PostgreSQL: also TRUNCATE).
See tandem/audit/db_guard.py. Other databases get no trigger (Tandem supports SQLite and PostgreSQL)."""

from django.db import migrations


def install(apps, schema_editor):
    from tandem.audit import db_guard

    for sql in db_guard.statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    from tandem.audit import db_guard

    for sql in db_guard.statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_college_and_object_index")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
