"""The bookings table's indexes (issue #20): every booking writes each of them, so none is the
leading part of another; and the one by time carries what a year's report counts, so the two
years' bookings are read from the index alone."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.kpis import Reading

pytestmark = pytest.mark.django_db


def btree_indexes(table: str) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """{index name: (key columns, operator classes)} of the table's plain b-tree indexes
    (unique ones and partial ones left out: they say something of their own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.indkey::int2[], i.indclass::oid[], i.indnkeyatts
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam
            WHERE i.indrelid = %s::regclass AND am.amname = 'btree'
              AND NOT i.indisunique AND i.indpred IS NULL
            """,
            [table],
        )
        return {
            name: (tuple(keys[:n]), tuple(classes[:n]))
            for name, keys, classes, n in cursor.fetchall()
        }


def test_no_index_of_the_bookings_is_the_leading_part_of_another():
    indexes = btree_indexes("facilities_booking")
    covered = sorted(
        (name, other)
        for name, (keys, classes) in indexes.items()
        for other, (other_keys, other_classes) in indexes.items()
        if other != name
        and other_keys[: len(keys)] == keys
        and other_classes[: len(classes)] == classes
    )
    assert covered == []
    # Not vacuous: the composite indexes by room and by group are there.
    assert len(indexes) >= 4


def test_the_index_by_time_carries_every_column_a_years_report_reads_of_the_bookings():
    """So PostgreSQL reads the two years' bookings from the index alone (an index-only scan,
    about a fifth of the statement's time at scale 10) instead of visiting every row."""
    with CaptureQueriesContext(connection) as queries:
        rows = Reading(2024, 2025)._rows
    assert rows == ([], [], [], [])
    (statement,) = (q["sql"] for q in queries)
    read = set(re.findall(r'"facilities_booking"\."(\w+)"', statement))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attname FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indexrelid = 'facilities_booking_start_cover'::regclass
            """
        )
        carried = {row[0] for row in cursor.fetchall()}
    assert {"start", "status", "kind", "room_id", "group_id", "id"} <= read  # not vacuous
    assert read <= carried, read - carried
