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

``set_many`` writes every key in one multi-row upsert. A write outside a transaction is that
one statement, in autocommit (no BEGIN/COMMIT around it: one round trip); inside one it keeps
Django's savepoint, so a refused write leaves the caller's transaction usable.

Reads are Django's (one ``SELECT``).
"""

from __future__ import annotations

import base64
import contextlib
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

    def _expires(self, timeout) -> datetime:
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max.replace(tzinfo=UTC)
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC)
        return expires.replace(microsecond=0)

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _writing(self, db):
        """A savepoint inside a transaction (as Django's own: a refused write leaves the
        caller's transaction usable); outside one nothing: each statement commits alone, with
        no BEGIN and COMMIT around it (issue #20: one round trip instead of three)."""
        if connections[db].in_atomic_block:
            return transaction.atomic(using=db)
        return contextlib.nullcontext()

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self._table)
        now = tz_now().replace(microsecond=0)
        expires = self._expires(timeout)
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        try:
            with self._writing(db), connection.cursor() as cursor:
                self._maybe_cull(db, cursor, now)
                if mode == "touch":
                    cursor.execute(
                        f"UPDATE {table} SET {expires_col} = %s WHERE {key_col} = %s",
                        [expires, key],
                    )
                    return cursor.rowcount == 1
                encoded = self._encode(value)
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

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every key in one upsert (Django's writes them one by one). Returns the keys not
        written: all of them when the database refuses the statement, as ``set`` answers."""
        if not data:
            return []
        rows = {self.make_and_validate_key(key, version=version): key for key in data}
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self._table)
        expires = self._expires(timeout)
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        params = []
        # In key order: two writers of the same keys lock their rows in the same order.
        for made in sorted(rows):
            params += [made, self._encode(data[rows[made]]), expires]
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        try:
            with self._writing(db), connection.cursor() as cursor:
                self._maybe_cull(db, cursor, tz_now().replace(microsecond=0))
                cursor.execute(
                    f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) "
                    f"VALUES {values} ON CONFLICT ({key_col}) DO UPDATE SET "
                    f"{value_col} = EXCLUDED.{value_col}, {expires_col} = EXCLUDED.{expires_col}",
                    params,
                )
                self._writes_since += len(rows)
        except DatabaseError:
            return list(data)
        return []
