"""The database cache writes with one statement and still keeps its table bounded (issue #20)."""

import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def rows(alias="default") -> int:
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {settings.CACHES[alias]['LOCATION']}")
        return cursor.fetchone()[0]


def test_a_write_is_one_statement_once_the_table_was_counted():
    cache = caches["default"]
    cache.set("first", 1, 60)  # the first write of a process counts the table
    with CaptureQueriesContext(connection) as queries:
        cache.set("second", 2, 60)
        cache.set("second", 3, 60)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not any("COUNT(" in sql for sql in statements)
    assert sum("INSERT INTO" in sql for sql in statements) == 2
    assert cache.get("second") == 3


def test_add_keeps_a_live_entry_and_replaces_an_expired_one():
    cache = caches["default"]
    assert cache.add("k", "first", 60) is True
    assert cache.add("k", "second", 60) is False
    assert cache.get("k") == "first"
    cache.set("old", "stale", 1)
    time.sleep(2.1)  # expiry is kept to the second
    assert cache.add("old", "fresh", 60) is True
    assert cache.get("old") == "fresh"


def test_touch_set_many_delete_and_counters_behave_as_django_says():
    cache = caches["default"]
    assert cache.touch("missing", 60) is False
    cache.set("t", 1, 1)
    assert cache.touch("t", 60) is True
    time.sleep(2.1)  # expiry is kept to the second
    assert cache.get("t") == 1
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    cache.delete("a")
    assert cache.get("a") is None
    cache.set("forever", "x", None)
    assert cache.get("forever") == "x"


def test_a_refused_write_leaves_the_callers_transaction_usable():
    cache = caches["default"]
    with transaction.atomic():
        with pytest.warns(CacheKeyWarning):
            assert cache.add("k" * 300, 1, 60) is False  # longer than the key column
        cache.set("after", 1, 60)
    assert cache.get("after") == 1


def test_the_table_stays_within_max_entries_in_one_process(settings):
    settings.CACHES = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": 30}}
        for alias, config in settings.CACHES.items()
    }
    cache = caches["default"]
    with CaptureQueriesContext(connection) as queries:
        for i in range(200):
            cache.set(f"flood-{i}", i, 600)
            assert rows() <= 31
    counts = sum("COUNT(*)" in q["sql"] for q in queries.captured_queries)  # rows() says count
    # Counted only when the table may be full, not 200 times.
    assert 0 < counts < 200 - 30
    assert cache.get("flood-199") == 199


def test_other_processes_writes_are_seen_within_the_cull_interval(settings):
    settings.CACHES = {
        alias: {
            **config,
            "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": 20, "CULL_INTERVAL": 0},
        }
        for alias, config in settings.CACHES.items()
    }
    from core.dbcache import PortalDatabaseCache

    other = PortalDatabaseCache(settings.CACHES["default"]["LOCATION"], {"OPTIONS": {}})
    for i in range(60):
        other.set(f"elsewhere-{i}", i, 600)  # another process, whose MAX_ENTRIES is large
    assert rows() >= 60
    caches["default"].set("here", 1, 600)  # counts (interval 0), sees 60 > 20, culls
    assert rows() < 60
