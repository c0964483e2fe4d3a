"""Django's database cache, with an atomic `incr` that keeps the key's expiry.

The cache is shared by every gunicorn worker and server (it lives in the College's database: no
new service to run). Django's own `incr` is a read followed by a write, so two workers counting at
once can lose a count, and its write resets the key's timeout to the default. Counters (the
public forms' rate limits, django-ratelimit) need both right: here the row is locked (SELECT …
FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions lock the database) while the new value
is written, and the expiry is left as it was.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only quoted identifiers (the configured table, fixed column names) are formatted in; the
        # key and value are parameters.
        select = f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} WHERE {quote_name('cache_key')} = %s{lock}"  # nosec B608
        update = f"UPDATE {table} SET {quote_name('value')} = %s WHERE {quote_name('cache_key')} = %s"  # nosec B608
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(select, [cache_key])
            row = cursor.fetchone()
            if row is not None:
                value, expires = row
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
                    connection
                ):
                    expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            # The table is written only by this cache, as Django's DatabaseCache reads it.
            new_value = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode())) + delta  # nosec B301
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(update, [encoded, cache_key])
        return new_value
