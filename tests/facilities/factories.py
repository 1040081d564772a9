"""Rooms, equipment and bookings for the facilities tests."""

import datetime as dt

import factory
import jpholiday
from django.utils import timezone

from core.fiscal import TOKYO
from facilities.calendar import is_year_end
from facilities.models import Booking, BookingEquipment, Equipment, Room
from facilities.services import PastBooking


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"会議室{n}")
    slug = factory.Sequence(lambda n: f"room-{n}")
    capacity = 12
    slot_minutes = 30
    min_minutes = 30
    max_minutes = 240
    window_months = 2


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    name = factory.Sequence(lambda n: f"機材{n}")
    slug = factory.Sequence(lambda n: f"kizai-{n}")
    quantity = 1


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def open_day(after: int = 3, weekday: int | None = None) -> dt.date:
    """A working day (Monday–Saturday, not a holiday or the year end) ``after`` days or more
    from today, optionally on a given weekday."""
    day = timezone.localdate() + dt.timedelta(days=after)
    while (
        day.weekday() == 6
        or jpholiday.is_holiday(day)
        or is_year_end(day)
        or (weekday is not None and day.weekday() != weekday)
    ):
        day += dt.timedelta(days=1)
    return day


def past_open_day(before: int = 3) -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=before)
    while day.weekday() == 6 or jpholiday.is_holiday(day) or is_year_end(day):
        day -= dt.timedelta(days=1)
    return day


def past_booking_row(room, day, start="10:00", end="12:00", *, requested_days_before=10, **fields):
    """One row of a past booking for ``bookings_record_bulk``: a meeting that was used, 7 came;
    ``fields`` change any of it."""
    values = {
        "room": room,
        "start": at(day, start),
        "end": at(day, end),
        "purpose": "定例会",
        "attendees": 6,
        "outcome": "used",
        "headcount": 7,
        "requested_at": at(day, start) - dt.timedelta(days=requested_days_before),
    }
    values.update(fields)
    return PastBooking(**values)


def make_booking(room, start, end, *, group=None, status=Booking.Status.CONFIRMED, **extra):
    """A booking written straight to the database (for data the rules would refuse, e.g. the
    past); business tests use the services."""
    extra.setdefault("kind", Booking.Kind.GROUP if group else Booking.Kind.OFFICE)
    extra.setdefault("purpose", "定例会")
    equipment = extra.pop("equipment", {})
    booking = Booking.objects.create(
        room=room,
        group=group,
        status=status,
        start=start,
        end=end,
        period=Booking.period_for(start, end, room.buffer_minutes),
        **extra,
    )
    for item, quantity in equipment.items():
        BookingEquipment.objects.create(booking=booking, equipment=item, quantity=quantity)
    return booking


def is_open_day(day: dt.date) -> bool:
    return not (day.weekday() == 6 or jpholiday.is_holiday(day) or is_year_end(day))


def series_start(weeks: int = 4, weekday: int = 1) -> dt.date:
    """The first ``weekday`` at least three days ahead from which ``weeks`` weekly dates are all
    working days (no holiday or year-end closure in between)."""
    day = open_day(weekday=weekday)
    while not all(is_open_day(day + dt.timedelta(weeks=n)) for n in range(weeks)):
        day += dt.timedelta(weeks=1)
    return day
