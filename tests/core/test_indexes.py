"""No index of the portal's own tables is the leading part of another (issue #20).

Every insert writes each index of its table, so an index whose columns begin another index's
(Django's index of a foreign key beside a composite index or unique constraint that starts with
that key, say) costs every write and answers nothing the other does not. Such a key is declared
``db_index=False`` and the composite index serves its lookups. Left out: unique and partial
indexes as the redundant one (each says something of its own), indexes with other operator
classes (``varchar_pattern_ops`` serves LIKE), and the tables Django makes for many-to-many
fields (their columns are Django's to declare)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def own_tables() -> list[str]:
    """The tables of the portal's own apps (those in this repository, not installed packages;
    the many-to-many tables Django makes left out)."""
    base = Path(settings.BASE_DIR).resolve()
    own = [
        app
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(base) and ".venv" not in Path(app.path).parts
    ]
    return sorted(
        model._meta.db_table
        for app in own
        for model in app.get_models()
        if model._meta.managed and not model._meta.proxy
    )


def btree_indexes(table: str) -> list[tuple[str, tuple, tuple, bool]]:
    """(name, key columns, operator classes, may stand for another) of the table's b-tree
    indexes without a predicate or expressions; "may stand for another": not unique."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.indkey::int2[], i.indclass::oid[], i.indnkeyatts, i.indisunique
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam
            WHERE i.indrelid = %s::regclass AND am.amname = 'btree'
              AND i.indpred IS NULL AND i.indexprs IS NULL
            """,
            [table],
        )
        return [
            (name, tuple(keys[:n]), tuple(classes[:n]), not unique)
            for name, keys, classes, n, unique in cursor.fetchall()
        ]


def covered_indexes(table: str) -> list[tuple[str, str]]:
    """(index, the index that begins with its columns) of ``table``."""
    indexes = btree_indexes(table)
    return sorted(
        (name, other)
        for name, keys, classes, redundant_kind in indexes
        if redundant_kind
        for other, other_keys, other_classes, _kind in indexes
        if other != name
        and other_keys[: len(keys)] == keys
        and other_classes[: len(classes)] == classes
    )


def test_no_index_of_the_portals_tables_is_the_leading_part_of_another():
    tables = own_tables()
    assert {"facilities_booking", "facilities_bookingequipment", "core_auditlog"} <= set(tables)
    assert not any(table.startswith(("auth_", "django_", "account_")) for table in tables)
    covered = {table: pairs for table in tables if (pairs := covered_indexes(table))}
    assert covered == {}


def test_an_index_that_begins_another_is_found():
    """Not vacuous: the check sees a foreign key's index beside a composite one."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_indexes_probe (a int, b int)")
        cursor.execute("CREATE INDEX test_indexes_probe_a ON test_indexes_probe (a)")
        cursor.execute("CREATE INDEX test_indexes_probe_ab ON test_indexes_probe (a, b)")
        cursor.execute("CREATE INDEX test_indexes_probe_b ON test_indexes_probe (b)")
    assert covered_indexes("test_indexes_probe") == [
        ("test_indexes_probe_a", "test_indexes_probe_ab")
    ]
