"""The office calendar of a range is read in one query (issue #20: every booking and grid reads
it) and answers as before: opening hours per weekday, closures of the office and of one room,
the year end and public holidays as the settings say."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.calendar import OfficeCalendar
from facilities.models import ClosedDay, FacilitySettings, OpeningHours
from tests.facilities.factories import RoomFactory

pytestmark = pytest.mark.django_db


def test_a_range_is_read_in_one_query_with_every_closure(room, other_room):
    OpeningHours.objects.filter(weekday=5).update(opens=dt.time(10), closes=dt.time(17, 30))
    ClosedDay.objects.create(date=dt.date(2026, 6, 3), reason="棚卸し")
    ClosedDay.objects.create(date=dt.date(2026, 6, 4), room=room, reason="床の張り替え")
    ClosedDay.objects.create(date=dt.date(2026, 7, 1), reason="範囲の外")
    with CaptureQueriesContext(connection) as queries:
        cal = OfficeCalendar.load(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert len(queries.captured_queries) == 1
    assert cal.rules == FacilitySettings.load()
    assert cal.hours_on(dt.date(2026, 6, 1)) == (dt.time(9), dt.time(21))  # a Monday
    assert cal.hours_on(dt.date(2026, 6, 6)) == (dt.time(10), dt.time(17, 30))  # a Saturday
    assert cal.closed_reason(dt.date(2026, 6, 7)) == "定休日"  # Sunday: no hours
    assert cal.closed_reason(dt.date(2026, 6, 3), room.pk) == "棚卸し"
    assert cal.closed_reason(dt.date(2026, 6, 4), room.pk) == "床の張り替え"
    assert cal.closed_reason(dt.date(2026, 6, 4), other_room.pk) is None
    assert cal.closed_reason(dt.date(2026, 6, 4)) is None
    assert cal.office_closures == {dt.date(2026, 6, 3): "棚卸し"}


def test_holidays_and_the_year_end_follow_the_settings():
    cal = OfficeCalendar.load(dt.date(2026, 12, 28), dt.date(2027, 1, 12))
    assert cal.closed_reason(dt.date(2026, 12, 30)) == "年末年始休館"
    assert cal.closed_reason(dt.date(2027, 1, 11)) == "成人の日"  # a Monday holiday
    FacilitySettings.objects.update(close_on_public_holidays=False, close_year_end=False)
    cal = OfficeCalendar.load(dt.date(2026, 12, 28), dt.date(2027, 1, 12))
    assert cal.closed_reason(dt.date(2026, 12, 30)) is None
    assert cal.closed_reason(dt.date(2027, 1, 11)) is None


def test_without_a_settings_row_it_is_made_with_its_defaults():
    FacilitySettings.objects.all().delete()
    cal = OfficeCalendar.load(dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    assert cal.rules.pk == 1 and FacilitySettings.objects.count() == 1
    assert cal.hours_on(dt.date(2026, 6, 1)) == (dt.time(9), dt.time(21))


def test_a_room_by_blocks_still_counts_its_blocks(rules):
    room = RoomFactory(mode="blocks")
    room.blocks.create(label="午前", starts=dt.time(9), ends=dt.time(12))
    room.blocks.create(label="午後", starts=dt.time(13), ends=dt.time(22))
    cal = OfficeCalendar.load(dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    assert cal.open_minutes(dt.date(2026, 6, 1), room) == 180 + 480  # the afternoon ends at 21
