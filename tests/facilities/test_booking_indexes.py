"""The bookings table's index by time (issue #20) carries what a year's report counts, so the two
years' bookings are read from the index alone. (That no index of the bookings, nor of any other
table of the portal's, is the leading part of another: tests/core/test_indexes.py.)"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.kpis import Reading

pytestmark = pytest.mark.django_db


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
