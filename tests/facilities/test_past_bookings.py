"""Staff record bookings that already happened in bulk (the demo's years, a paper ledger): the
same rules as one by one, an audit row per step dated when it happened, nothing written when a
row breaks a rule."""

import datetime as dt

import pytest

from core.models import AuditLog
from facilities import services
from facilities.models import Booking, WalkInCount
from tests.facilities.factories import at, open_day, past_booking_row, past_open_day

pytestmark = pytest.mark.django_db

_row = past_booking_row


def test_staff_record_a_past_booking_with_each_step_audited_when_it_happened(staff, room, group):
    day = past_open_day(5)
    made = services.bookings_record_bulk(actor=staff, rows=[_row(room, day, group=group)])

    assert made == 1
    booking = Booking.objects.get()
    assert (booking.status, booking.actual_headcount) == ("used", 7)
    steps = dict(
        AuditLog.objects.filter(target_id=str(booking.pk)).values_list("action", "created_at")
    )
    assert steps["facilities.booking_create"] == at(day, "10:00") - dt.timedelta(days=10)
    assert steps["facilities.booking_record_usage"] == at(day, "12:00")


def test_a_used_booking_in_a_room_that_needs_approval_was_approved_first(staff, room, group):
    room.requires_approval = True
    room.save()
    services.bookings_record_bulk(actor=staff, rows=[_row(room, past_open_day(5), group=group)])

    booking = Booking.objects.get()
    assert booking.decided_by == staff
    assert AuditLog.objects.filter(
        action="facilities.booking_approve", target_id=str(booking.pk)
    ).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": "future", "outcome": "used"}, "開始"),  # use before the start
        ({"outcome": "rejected"}, "承認待ち"),  # nothing to decline without approval
        ({"attendees": 99}, "12"),  # the room holds 12
        ({"start": "07:00", "end": "08:00"}, "開館時間"),
    ],
)
def test_a_state_the_product_cannot_reach_is_refused_and_nothing_written(
    staff, room, group, fields, message
):
    day = open_day(5) if fields.pop("day", None) == "future" else past_open_day(5)
    times = (fields.pop("start"), fields.pop("end")) if "start" in fields else ()
    row = _row(room, day, *times, group=group, **fields)
    if row.requested_at > row.start:
        row.requested_at = row.start - dt.timedelta(days=1)
    ok = _row(room, past_open_day(12), group=group)

    with pytest.raises(services.BookingError) as error:
        services.bookings_record_bulk(actor=staff, rows=[ok, row], now=None)

    assert message in str(error.value)
    assert not Booking.objects.exists()
    assert not AuditLog.objects.exists()


def test_equipment_is_never_lent_beyond_the_stock(staff, room, other_room, projector, group):
    day = past_open_day(5)
    rows = [
        _row(room, day, group=group, equipment={projector: 2}),
        _row(other_room, day, "11:00", "13:00", group=group, equipment={projector: 1}),
    ]
    with pytest.raises(services.BookingError, match="プロジェクター"):
        services.bookings_record_bulk(actor=staff, rows=rows)
    assert not Booking.objects.exists()


def test_two_bookings_of_one_room_cannot_overlap(staff, room, group):
    day = past_open_day(5)
    rows = [_row(room, day, group=group), _row(room, day, "11:00", "13:00", group=group)]
    with pytest.raises(services.BookingError):
        services.bookings_record_bulk(actor=staff, rows=rows)
    assert not Booking.objects.exists()


def test_only_staff_record_past_bookings(representative, room, group):
    with pytest.raises(services.BookingNotAllowed):
        services.bookings_record_bulk(
            actor=representative, rows=[_row(room, past_open_day(5), group=group)]
        )


def test_walk_ins_are_counted_for_past_days_only(staff):
    day = past_open_day(3)
    assert services.walk_ins_record_bulk(actor=staff, counts={day: 14}) == 1
    assert WalkInCount.objects.get(date=day).count == 14
    with pytest.raises(services.BookingError):
        services.walk_ins_record_bulk(actor=staff, counts={open_day(3): 5})
