"""Past bookings recorded in bulk obey what ``booking_create`` checks of the group: it was
registered when it asked, and a booking asked for online (by a member) kept within the monthly
hours and was not made while the group's online booking was suspended for no-shows."""

import datetime as dt
import functools

import pytest

from core.models import AuditLog
from facilities import services
from facilities.models import Booking, FacilitySettings, NoShowSuspension
from groups.models import Group
from tests.facilities.factories import at, past_booking_row, past_open_day

pytestmark = pytest.mark.django_db

_row = functools.partial(past_booking_row, requested_days_before=2)


def _limit(hours):
    rules = FacilitySettings.load()
    rules.group_monthly_hours = hours
    rules.save()


def _same_month_days(count):
    """``count`` past open days of one month (the limit counts per calendar month)."""
    days, before = [], 5
    while len(days) < count:
        day = past_open_day(before)
        if not days or (day.month == days[0].month and day not in days):
            days.append(day)
        before += 1
    return days


def test_a_group_that_was_not_registered_yet_cannot_have_booked(staff, room, group):
    day = past_open_day(5)
    group.registered_on = day  # approved on the day of the booking, asked two days before
    group.save()
    with pytest.raises(services.BookingError, match="登録団体"):
        services.bookings_record_bulk(actor=staff, rows=[_row(room, day, group=group)])
    assert not Booking.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("status", [Group.Status.APPLIED, Group.Status.SUSPENDED])
def test_a_group_that_is_not_registered_cannot_have_booked(staff, room, group, status):
    Group.objects.filter(pk=group.pk).update(status=status)
    with pytest.raises(services.BookingError, match="登録団体"):
        services.bookings_record_bulk(actor=staff, rows=[_row(room, past_open_day(5), group=group)])
    assert not Booking.objects.exists()


def test_a_withdrawn_group_keeps_the_bookings_it_made_while_registered(staff, room, group):
    day = past_open_day(5)
    Group.objects.filter(pk=group.pk).update(
        status=Group.Status.WITHDRAWN, withdrawn_on=day + dt.timedelta(days=1)
    )
    assert services.bookings_record_bulk(actor=staff, rows=[_row(room, day, group=group)]) == 1
    Group.objects.filter(pk=group.pk).update(withdrawn_on=day - dt.timedelta(days=3))
    with pytest.raises(services.BookingError, match="登録団体"):
        services.bookings_record_bulk(actor=staff, rows=[_row(room, day, "13:00", "15:00",
                                                              group=group)])  # fmt: skip


def test_online_bookings_keep_within_the_monthly_hours(staff, room, other_room, group, member):
    _limit(4)
    first, second = _same_month_days(2)
    rows = [
        _row(room, first, group=group, booked_by=member),
        _row(other_room, second, "13:00", "15:00", group=group, booked_by=member),
    ]
    assert services.bookings_record_bulk(actor=staff, rows=rows) == 2  # 4 hours: at the limit

    third = _row(room, second, "16:00", "17:00", group=group, booked_by=member)
    with pytest.raises(services.BookingError) as error:
        services.bookings_record_bulk(actor=staff, rows=[third])
    assert error.value.code == "limit"
    assert Booking.objects.count() == 2


def test_the_limit_counts_the_batch_in_the_order_the_bookings_were_asked_for(
    staff, room, group, member
):
    _limit(3)
    first, second = _same_month_days(2)
    rows = [
        _row(room, first, group=group, booked_by=member),
        _row(room, second, group=group, booked_by=member),
    ]
    with pytest.raises(services.BookingError) as error:
        services.bookings_record_bulk(actor=staff, rows=rows)
    assert error.value.code == "limit"
    assert not Booking.objects.exists()


def test_cancelled_bookings_leave_their_hours_to_later_requests(staff, room, group, member):
    _limit(2)
    first, second = _same_month_days(2)
    cancelled = _row(room, first, group=group, booked_by=member, outcome="cancelled",
                     requested_at=at(first, "10:00") - dt.timedelta(days=3))  # fmt: skip
    later = _row(room, second, group=group, booked_by=member,
                 requested_at=at(first, "10:00") - dt.timedelta(days=1))  # fmt: skip
    assert services.bookings_record_bulk(actor=staff, rows=[later, cancelled]) == 2


def test_bookings_taken_at_the_desk_are_not_limited(staff, room, other_room, group):
    _limit(2)
    first, second = _same_month_days(2)
    rows = [_row(room, first, group=group), _row(other_room, second, group=group)]
    assert services.bookings_record_bulk(actor=staff, rows=rows) == 2


def test_only_a_member_asks_for_the_group_online(staff, room, group, other_member):
    with pytest.raises(services.BookingNotAllowed):
        services.bookings_record_bulk(
            actor=staff, rows=[_row(room, past_open_day(5), group=group, booked_by=other_member)]
        )


def test_no_online_booking_while_the_group_is_suspended_for_no_shows(staff, room, group, member):
    day = past_open_day(5)
    asked = at(day, "10:00") - dt.timedelta(days=2)
    suspension = NoShowSuspension.objects.create(
        group=group, fiscal_year=2026, no_shows=3, created_at=asked - dt.timedelta(days=1)
    )
    with pytest.raises(services.BookingError) as error:
        services.bookings_record_bulk(actor=staff, rows=[_row(room, day, group=group,
                                                              booked_by=member)])  # fmt: skip
    assert error.value.code == "suspended"

    suspension.lifted_at = asked - dt.timedelta(hours=1)
    suspension.save()
    rows = [_row(room, day, group=group, booked_by=member)]
    assert services.bookings_record_bulk(actor=staff, rows=rows) == 1
