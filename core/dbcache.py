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

    def upsert(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> tuple[str, list]:
        """The statement that writes every key of ``data`` (one multi-row upsert) and its
        parameters, for ``set_many`` and for ``write_together``."""
        rows = {self.make_and_validate_key(key, version=version): key for key in data}
        db = router.db_for_write(self.cache_model_class)
        qn = connections[db].ops.quote_name
        table = qn(self._table)
        expires = self._expires(timeout)
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        params = []
        # In key order: two writers of the same keys lock their rows in the same order.
        for made in sorted(rows):
            params += [made, self._encode(data[rows[made]]), expires]
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        sql = (
            f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) "
            f"VALUES {values} ON CONFLICT ({key_col}) DO UPDATE SET "
            f"{value_col} = EXCLUDED.{value_col}, {expires_col} = EXCLUDED.{expires_col}"
        )
        return sql, params

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every key in one upsert (Django's writes them one by one). Returns the keys not
        written: all of them when the database refuses the statement, as ``set`` answers."""
        if not data:
            return []
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        sql, params = self.upsert(data, timeout, version)
        try:
            with self._writing(db), connection.cursor() as cursor:
                self._maybe_cull(db, cursor, tz_now().replace(microsecond=0))
                cursor.execute(sql, params)
                self._writes_since += len(data)
        except DatabaseError:
            return list(data)
        return []


# --- Writes after a commit, together -----------------------------------------------------------


class AfterCommitWrites:
    """The cache writes one transaction makes once it commits (``set_after_commit``), all
    written by one statement: the viewers' data version (core.viewercache) and the grids'
    versions (facilities.gridcache) after a booking were two round trips (issue #20)."""

    def __init__(self, using: str):
        self.using = using
        self.writes: dict[tuple[str, object], dict] = {}  # (cache alias, timeout) → {key: value}
        self.done = False

    def add(self, alias: str, data: dict, timeout) -> None:
        self.writes.setdefault((alias, timeout), {}).update(data)

    def keys(self, alias: str) -> set[str]:
        """The keys this batch writes into cache ``alias`` (for tests and callers)."""
        return {key for (name, _t), data in self.writes.items() if name == alias for key in data}

    def __call__(self) -> None:
        self.done = True
        write_together(self.writes)


def write_together(writes: dict[tuple[str, object], dict]) -> bool:
    """Write ``{(cache alias, timeout): {key: value}}`` into the database caches in one
    statement (data-modifying WITH clauses, one upsert per table and timeout), outside any
    transaction of the caller's (a refused write then leaves nothing half-done to roll back).
    False when the database refused it: like ``set``, a cache write never raises."""
    from django.core.cache import caches

    statements, params, by_db = [], [], set()
    for (alias, timeout), data in writes.items():
        if not data:
            continue
        cache = caches[alias]
        sql, values = cache.upsert(data, timeout)
        statements.append(sql)
        params += values
        by_db.add(router.db_for_write(cache.cache_model_class))
    if not statements:
        return True
    (db,) = by_db  # the portal's caches live in its one database
    if len(statements) == 1:
        sql = statements[0]
    else:
        sql = (
            "WITH "
            + ", ".join(f"w{n} AS ({statement})" for n, statement in enumerate(statements))
            + " SELECT 1"
        )
    now = tz_now().replace(microsecond=0)
    try:
        with connections[db].cursor() as cursor:
            for alias, _timeout in writes:
                caches[alias]._maybe_cull(db, cursor, now)
            cursor.execute(sql, params)
    except DatabaseError:
        return False
    for (alias, _timeout), data in writes.items():
        caches[alias]._writes_since += len(data)
    return True


def set_after_commit(alias: str, data: dict, timeout, using: str = "default") -> None:
    """Write ``data`` into the database cache ``alias`` once the current transaction on
    ``using`` commits (at once outside one). The writes of one transaction go out in one
    statement after the commit; a later value of a key replaces an earlier one.

    A write joins a batch registered at the current savepoint or deeper (it commits exactly
    when this write does, or is rolled back with it); otherwise it starts a batch of its own
    here, so a savepoint rolled back takes its writes with it and never those around it. (A
    service's own atomic block inside a caller's transaction is such a savepoint: its writes
    then make a batch of their own; a request's booking is one transaction, one batch.)
    robust: a cache that cannot be written must not turn a committed change into an error
    page (what reads the keys bounds how long an old entry is served)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        write_together({(alias, timeout): dict(data)})
        return
    here = set(connection.savepoint_ids)
    for sids, func, _robust in connection.run_on_commit:
        if isinstance(func, AfterCommitWrites) and not func.done and here <= sids:
            func.add(alias, data, timeout)
            return
    batch = AfterCommitWrites(using)
    batch.add(alias, data, timeout)
    transaction.on_commit(batch, using=using, robust=True)
