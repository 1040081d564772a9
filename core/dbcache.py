"""Django's database cache without its per-write table count (issue #20: the framework floor).

Django's ``DatabaseCache`` runs three statements for every ``set``/``add``: ``SELECT COUNT(*)``
of the whole table (to decide whether to cull), a ``SELECT`` of the key and an ``INSERT`` or
``UPDATE``. The count scans the table: with the "pages" table near its 20,000 entries it is the
dearest of the three, and every page kept for anonymous visitors, every rate-limit counter and
every cached figure paid it.

``PortalDatabaseCache`` (PostgreSQL only) writes with one statement, an upsert
(``INSERT … ON CONFLICT (cache_key) DO UPDATE``; for ``add`` only over an expired entry), and
counts the table only when it may be over ``MAX_ENTRIES``: each process remembers the count it
last saw and adds the writes it made since; it counts again when that sum passes
``MAX_ENTRIES``, after a cull, and at least every ``CULL_INTERVAL`` seconds (OPTIONS, default
60) to see what other processes and servers wrote. Culling itself is Django's (expired entries
first, then a third of the rest). In one process the table is culled exactly when Django's
cache would cull it; with several, it may pass ``MAX_ENTRIES`` by what the others wrote within
``CULL_INTERVAL``: the bound stays, a little looser.

Reads are Django's (one ``SELECT``).
"""

from __future__ import annotations

import base64
import pickle
import time
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now


class PortalDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._cull_interval = float(params.get("OPTIONS", {}).get("CULL_INTERVAL", 60))
        self._known_rows: int | None = None  # rows counted last time, None = count next time
        self._writes_since = 0
        self._counted_at = 0.0

    def _count_due(self) -> bool:
        if self._known_rows is None:
            return True
        if time.monotonic() - self._counted_at >= self._cull_interval:
            return True
        return self._known_rows + self._writes_since > self._max_entries

    def _maybe_cull(self, db, cursor, now) -> None:
        if not self._count_due():
            return
        table = connections[db].ops.quote_name(self._table)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        rows = cursor.fetchone()[0]
        self._counted_at = time.monotonic()
        self._writes_since = 0
        if rows > self._max_entries:
            self._cull(db, cursor, now, rows)
            self._known_rows = None  # count again at the next write: the cull may leave many
        else:
            self._known_rows = rows

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self._table)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max.replace(tzinfo=UTC)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC)
        expires = expires.replace(microsecond=0)
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        try:
            # A savepoint, as Django's own: a refused write leaves the caller's transaction usable.
            with transaction.atomic(using=db), connection.cursor() as cursor:
                self._maybe_cull(db, cursor, now)
                if mode == "touch":
                    cursor.execute(
                        f"UPDATE {table} SET {expires_col} = %s WHERE {key_col} = %s",
                        [expires, key],
                    )
                    return cursor.rowcount == 1
                pickled = pickle.dumps(value, self.pickle_protocol)
                encoded = base64.b64encode(pickled).decode("latin1")
                only_expired = f" WHERE {table}.{expires_col} < %s" if mode == "add" else ""
                cursor.execute(
                    f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) "
                    f"VALUES (%s, %s, %s) ON CONFLICT ({key_col}) DO UPDATE SET "
                    f"{value_col} = EXCLUDED.{value_col}, {expires_col} = EXCLUDED.{expires_col}"
                    f"{only_expired}",
                    [key, encoded, expires] + ([now] if mode == "add" else []),
                )
                self._writes_since += 1
                return cursor.rowcount == 1
        except DatabaseError:
            # Django's cache answers False when the database refuses the write (as its own
            # DatabaseCache does for a value too large for the column, for instance).
            return False
