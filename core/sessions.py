"""Database sessions read with one plain statement, alone or with cache rows (issue #20).

Every signed-in request reads its session first. Django's database store reads it through the ORM
(a queryset built and compiled for every request: about as dear as the read itself on these
machines). ``SessionStore`` reads the same row with a fixed SQL statement, and ``load_with``
reads the session *and* entries of a database cache in one round trip: a signed-in viewer's kept
page (core/viewercache.py) costs one statement instead of two. Saving, creating, cycling and
deleting sessions are Django's own.
"""

from __future__ import annotations

import base64
import pickle

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self):
        data, _found = self._read()
        return self._decoded(data)

    def load_with(self, cache, keys: list[str]) -> dict:
        """Load this session (unless already loaded) and return ``cache.get_many(keys)``, both
        read in one statement when the cache is a database cache on the sessions' database."""
        if (
            hasattr(self, "_session_cache")
            or not self.session_key
            or not _same_database(cache, self.model)
        ):
            return cache.get_many(keys)
        data, found = self._read(cache, keys)
        self.accessed = True
        self._session_cache = self._decoded(data)
        return found

    def _decoded(self, data: str | None) -> dict:
        if data is None:
            # As Django's store: no live session of that key, so a new one will be made.
            self._session_key = None
            return {}
        return self.decode(data)

    def _read(self, cache=None, keys=()) -> tuple[str | None, dict]:
        """(the session's data or None, {key: value} of the cache entries found and live)."""
        key = self.session_key
        if not key:
            return None, {}
        connection = connections[router.db_for_read(self.model)]
        qn = connection.ops.quote_name
        now = timezone.now()
        # The session's row has no cache key (NULL): the cache's rows always have one.
        sql = (
            f"SELECT NULL::varchar, {qn('session_data')}, NULL::timestamptz "
            f"FROM {qn(self.model._meta.db_table)} "
            f"WHERE {qn('session_key')} = %s AND {qn('expire_date')} > %s"
        )
        params: list = [key, now]
        names = {}
        if cache is not None and keys:
            names = {cache.make_and_validate_key(k): k for k in keys}
            sql += (
                f" UNION ALL SELECT {qn('cache_key')}, {qn('value')}, {qn('expires')} "
                f"FROM {qn(cache._table)} WHERE {qn('cache_key')} IN "
                f"({', '.join(['%s'] * len(names))})"
            )
            params += list(names)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        data = None
        found = {}
        for cache_key, value, expires in rows:
            if cache_key is None:
                data = value
            elif expires >= now:  # an expired entry is a miss (the cache culls it later)
                found[names[cache_key]] = pickle.loads(base64.b64decode(value.encode()))
        return data, found


def _same_database(cache, model) -> bool:
    from django.core.cache.backends.db import DatabaseCache

    if not isinstance(cache, DatabaseCache):
        return False
    return router.db_for_read(cache.cache_model_class) == router.db_for_read(model)
