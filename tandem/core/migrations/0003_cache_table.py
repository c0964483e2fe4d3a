"""The shared cache's table (settings.CACHES: Django's database cache, `tandem_cache`), made by
`tandem migrate` itself: writes bump the measures' cache version and the public form counts in
it, so no database may be without it. `tandem createcachetable` stays harmless (it does nothing
when the table is there)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings  # noqa: PLC0415 (migrations run with settings loaded)

    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            table = schema_editor.connection.ops.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_clock_date")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
