"""When the office is open: opening hours per weekday minus closed days.

Closed days are, in order of precedence: custom closures for the whole office or one room
(``ClosedDay``), the year-end closure (December 29 – January 3) and Japanese public holidays
(from the ``jpholiday`` library), each switchable in ``FacilitySettings``, and weekdays without
opening hours. ``OfficeCalendar.load(first, last)`` reads everything for a range in one query
(the settings' row with the hours and the range's closed days beside it); its answers for single
days then cost no query.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import jpholiday
from django.db import connection
from django.utils.translation import gettext as _

from core import sqlrows
from core.fiscal import TOKYO
from facilities.models import ClosedDay, FacilitySettings, OpeningHours


def is_year_end(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def aware(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TOKYO)


def minutes_of(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class OfficeCalendar:
    first: dt.date
    last: dt.date
    rules: FacilitySettings
    hours: dict[int, tuple[dt.time, dt.time]]
    office_closures: dict[dt.date, str] = field(default_factory=dict)
    room_closures: dict[tuple[int, dt.date], str] = field(default_factory=dict)
    holidays: dict[dt.date, str] = field(default_factory=dict)

    @classmethod
    def load(cls, first: dt.date, last: dt.date) -> OfficeCalendar:
        # One round trip instead of three (issue #20: every booking and grid reads it): the
        # hours and the range's closed days ride along as JSON arrays, in the models' orders.
        # Plain SQL (the columns and instance by core.sqlrows): built with the ORM it took about
        # ten times as long in Python.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {sqlrows.select_list(FacilitySettings, 's', connection)}, "
                "(SELECT COALESCE(json_agg(json_build_array(h.weekday, h.opens, h.closes)"
                f" ORDER BY h.weekday), '[]')::text FROM {OpeningHours._meta.db_table} h), "
                "(SELECT COALESCE(json_agg(json_build_array(c.date, c.room_id, c.reason)"
                f" ORDER BY c.date, c.room_id, c.id), '[]')::text FROM {ClosedDay._meta.db_table} c"
                " WHERE c.date >= %s AND c.date <= %s) "
                f"FROM {FacilitySettings._meta.db_table} s WHERE s.id = 1",
                [first, last],
            )
            row = cursor.fetchone()
        if row is None:  # no settings row yet: made with its defaults, then read again
            FacilitySettings.load()
            return cls.load(first, last)
        rules = sqlrows.instance(FacilitySettings, row, 0, connection)
        hours, closed = (json.loads(value) for value in row[sqlrows.width(FacilitySettings) :])
        cal = cls(
            first=first,
            last=last,
            rules=rules,
            hours={
                weekday: (dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
                for weekday, opens, closes in hours
            },
        )
        for date, room_id, reason in closed:
            day = dt.date.fromisoformat(date)
            if room_id is None:
                cal.office_closures[day] = reason
            else:
                cal.room_closures[(room_id, day)] = reason
        if rules.close_on_public_holidays:
            cal.holidays = dict(jpholiday.between(first, last))
        return cal

    def _check(self, day: dt.date) -> None:
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the loaded range {self.first}–{self.last}")

    def closed_reason(self, day: dt.date, room_id: int | None = None) -> str | None:
        """Why the office (or the room) is closed on ``day``, or None when it is open."""
        self._check(day)
        if day in self.office_closures:
            return self.office_closures[day]
        if room_id is not None and (room_id, day) in self.room_closures:
            return self.room_closures[(room_id, day)]
        if self.rules.close_year_end and is_year_end(day):
            return _("Year-end holidays")
        if day in self.holidays:
            return self.holidays[day]
        if day.weekday() not in self.hours:
            return _("Regular closing day")
        return None

    def hours_on(self, day: dt.date, room_id: int | None = None) -> tuple[dt.time, dt.time] | None:
        """Opening and closing time on ``day``, or None when closed."""
        if self.closed_reason(day, room_id) is not None:
            return None
        return self.hours[day.weekday()]

    def open_minutes(self, day: dt.date, room, *, before: int | None = None) -> int:
        """Bookable minutes of ``room`` on ``day``: the opening hours, or its blocks inside them
        (``before``: only those before that minute of the day, e.g. the day so far)."""
        hours = self.hours_on(day, room.pk)
        if hours is None:
            return 0
        opens, closes = minutes_of(hours[0]), minutes_of(hours[1])
        if before is not None:
            closes = max(opens, min(closes, before))
        if room.uses_blocks:
            total = 0
            for block in room.blocks.all():
                start = max(opens, minutes_of(block.starts))
                end = min(closes, minutes_of(block.ends))
                total += max(0, end - start)
            return total
        return closes - opens


def days_between(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
