"""The live bookings of a time are found through an index of their period alone (issue #20):
the exclusion constraint's index leads with the room, so the equipment in use at a time (every
room's bookings) walked a good part of it. Asked with sequential scans off, so that the answer
does not hang on how few rows a test database holds."""

import datetime as dt

import pytest
from django.db import connection

from facilities.selectors import equipment_in_use_sql
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day


@pytest.mark.django_db
def test_the_equipment_in_use_at_a_time_is_read_through_the_live_period_index():
    projector = EquipmentFactory(quantity=3)
    day = open_day()
    for hour in (9, 11, 13):
        make_booking(
            RoomFactory(),
            at(day, f"{hour}:00"),
            at(day, f"{hour + 1}:00"),
            equipment={projector: 1},
        )
    start = at(day, "10:30")
    sql, params = equipment_in_use_sql([projector.pk], start, start + dt.timedelta(hours=1))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "facilities_booking_live_period" in plan, plan
