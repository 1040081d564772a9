"""The database cache's writes in one round trip (issue #20): ``set_many`` writes every key in
one multi-row upsert, and a write outside a transaction is that statement alone (no BEGIN and
COMMIT around it); inside a transaction it keeps its savepoint."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from facilities import gridcache


def statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def cache():
    cache = caches["default"]
    cache.set("warm", 1, 60)  # the first write of a process counts the table
    return cache


@pytest.mark.django_db(transaction=True)
def test_set_many_writes_all_keys_in_one_statement_outside_a_transaction(cache):
    with CaptureQueriesContext(connection) as queries:
        assert cache.set_many({"b": 2, "a": "一", "c": {"x": [3]}}, 60) == []
    [sql] = statements(queries)
    assert sql.startswith("INSERT INTO") and "ON CONFLICT" in sql
    assert cache.get_many(["a", "b", "c"]) == {"a": "一", "b": 2, "c": {"x": [3]}}
    # Written again: the same keys replaced, in one statement again.
    with CaptureQueriesContext(connection) as queries:
        cache.set_many({"a": 1, "b": None}, None)
    assert len(statements(queries)) == 1
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": None}
    assert cache.get("a") == 1 and cache.get("c") == {"x": [3]}


@pytest.mark.django_db(transaction=True)
def test_a_single_write_outside_a_transaction_is_one_round_trip(cache):
    with CaptureQueriesContext(connection) as queries:
        cache.set("k", "v", 60)
    assert len(statements(queries)) == 1
    assert cache.get("k") == "v"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_refused_set_many_leaves_it_usable(cache):
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            cache.set_many({"x": 1, "y": 2}, 60)
        assert any("SAVEPOINT" in sql for sql in statements(queries))
        too_large = "k" * 300  # longer than the key column: the database refuses the row
        with pytest.warns(Warning):
            assert set(cache.set_many({too_large: 1, "z": 3}, 60)) == {too_large, "z"}
        cache.set("after", 1, 60)
    assert cache.get_many(["x", "y", "z", "after"]) == {"x": 1, "y": 2, "after": 1}


@pytest.mark.django_db(transaction=True)
def test_the_grids_versions_of_a_transaction_are_written_in_one_statement(cache):
    keys = [gridcache.room_day_version(1, dt.date(2026, 6, 4)), "v:day", "v:all"]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        gridcache.renew(keys)
        gridcache.renew(keys[:1])  # a second change of the same transaction: written once
    after_commit = [sql for sql in statements(queries) if "portal_cache" in sql]
    assert len(after_commit) == 1
    assert "BEGIN" not in statements(queries)[-1]
    assert all(cache.get(key) for key in keys)


@pytest.mark.django_db(transaction=True)
def test_a_transactions_cache_writes_go_out_together_in_one_statement_after_commit(cache):
    """A booking renews the viewers' data version (the "pages" table) and the grids' versions
    ("default"): one statement after the commit writes both, never before it."""
    from core import viewercache

    pages = caches[viewercache.CACHE_ALIAS]
    day = dt.date(2026, 6, 4)
    before = pages.get(viewercache.DATA_VERSION_KEY)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        viewercache.renew_data_version()
        gridcache.renew([gridcache.day_version(day)])
        viewercache.renew_data_version()  # once per transaction
        assert pages.get(viewercache.DATA_VERSION_KEY) == before  # nothing before the commit
    writes = [sql for sql in statements(queries) if "INSERT INTO" in sql]
    assert len(writes) == 1
    assert "portal_pages" in writes[0] and "portal_cache" in writes[0]
    assert pages.get(viewercache.DATA_VERSION_KEY) not in (None, before)
    assert cache.get(gridcache.day_version(day))


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_takes_its_writes_and_no_others(cache):
    with transaction.atomic():
        gridcache.renew(["outer"])
        try:
            with transaction.atomic():
                gridcache.renew(["inner"])
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            gridcache.renew(["kept-inner"])
    assert cache.get("outer") and cache.get("kept-inner")
    assert cache.get("inner") is None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_writes_nothing(cache):
    with pytest.raises(RuntimeError), transaction.atomic():
        gridcache.renew(["never"])
        raise RuntimeError
    assert cache.get("never") is None
