"""The booking rules: each bad request gets a clear message, and nothing is saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.fiscal import TOKYO
from facilities.calendar import is_year_end
from facilities.models import Booking, BookingEquipment, ClosedDay, Room, TimeBlock
from facilities.selectors import booking_opens_on, booking_window_last_day
from facilities.services import BookingError, BookingNotAllowed, booking_create
from groups.models import Group
from tests.facilities.factories import RoomFactory, at, make_booking, open_day

pytestmark = pytest.mark.django_db


def book(member, room, group, day, start="10:00", end="12:00", **extra):
    extra.setdefault("purpose", "月例会")
    extra.setdefault("attendees", 8)
    return booking_create(
        actor=member, room=room, group=group, start=at(day, start), end=at(day, end), **extra
    )


def refused(code, *args, **kwargs) -> str:
    with pytest.raises(BookingError) as info:
        book(*args, **kwargs)
    assert info.value.code == code, str(info.value)
    return str(info.value)


def test_a_member_books_a_free_time_and_it_is_confirmed_at_once(member, group, room):
    day = open_day()
    booking = book(member, room, group, day)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.group == group
    assert booking.booked_by == member
    assert booking.period.lower == at(day, "10:00")
    assert booking.period.upper == at(day, "12:00")


def test_the_end_must_be_after_the_start(member, group, room):
    message = refused("order", member, room, group, open_day(), "12:00", "10:00")
    assert "終了時刻" in message
    assert not Booking.objects.exists()


@pytest.mark.date_sensitive
def test_a_booking_in_the_past_is_refused(member, group, room):
    day = timezone.localdate() - dt.timedelta(days=2)
    refused("past", member, room, group, day)
    assert not Booking.objects.exists()


def test_outside_opening_hours_is_refused_with_the_hours(member, group, room):
    message = refused("hours", member, room, group, open_day(), "20:00", "22:00")
    assert "9:00" in message and "21:00" in message


def test_a_regular_closing_day_is_refused(member, group, room):
    sunday = open_day(weekday=0) + dt.timedelta(days=6)
    refused("closed", member, room, group, sunday)


@pytest.mark.date_sensitive
def test_a_japanese_public_holiday_is_closed(member, group, room):
    # Find the next public holiday on a weekday the office would otherwise open.
    import jpholiday

    today = timezone.localdate()
    holidays = jpholiday.between(today + dt.timedelta(days=1), today + dt.timedelta(days=400))
    day, name = next((d, n) for d, n in holidays if d.weekday() < 6 and not is_year_end(d))
    room.window_months = 24
    room.save()
    message = refused("closed", member, room, group, day)
    assert name in message


@pytest.mark.date_sensitive
def test_the_year_end_closure_is_closed(member, group, room):
    today = timezone.localdate()
    year = today.year if today < dt.date(today.year, 12, 29) else today.year + 1
    day = dt.date(year, 12, 29)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    room.window_months = 24
    room.save()
    with translation.override("ja"):
        message = refused("closed", member, room, group, day)
    assert "年末年始" in message


def test_a_custom_closure_closes_the_office_or_one_room(member, group, room, other_room):
    day = open_day()
    ClosedDay.objects.create(date=day, room=other_room, reason="床の張り替え")
    assert book(member, room, group, day)
    message = refused("closed", member, other_room, group, day)
    assert "床の張り替え" in message
    ClosedDay.objects.create(date=day + dt.timedelta(days=7), reason="施設点検")
    refused("closed", member, room, group, day + dt.timedelta(days=7))


def test_a_slot_off_the_grid_is_refused(member, group, room):
    message = refused("grid", member, room, group, open_day(), "10:15", "12:00")
    assert "30" in message


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.time(10, 0, 59), dt.time(11)),
        (dt.time(10), dt.time(11, 0, 0, 500)),
    ],
)
def test_times_with_seconds_are_refused(member, staff, group, room, ja, start, end):
    """A crafted request cannot slip seconds past the grid, neither for members nor staff."""
    day = open_day()
    for actor, kind in ((member, Booking.Kind.GROUP), (staff, Booking.Kind.OFFICE)):
        with translation.override("ja"), pytest.raises(BookingError) as info:
            booking_create(
                actor=actor,
                room=room,
                group=group,
                start=dt.datetime.combine(day, start, TOKYO),
                end=dt.datetime.combine(day, end, TOKYO),
                purpose="月例会",
                attendees=8,
                kind=kind,
            )
        assert info.value.code == "grid"
        assert "秒" in str(info.value)
    assert not Booking.objects.exists()


def test_a_crafted_form_post_with_seconds_books_nothing(client_for, group, room):
    day = open_day()
    response = client_for("member").post(
        reverse("facilities:book", kwargs={"slug": room.slug}),
        {
            "group": group.pk,
            "date": day.isoformat(),
            "start_time": "10:00:59",
            "end_time": "11:00",
            "purpose": "会議",
            "attendees": 4,
            "repeat": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Booking.objects.exists()


def test_too_long_and_too_short_bookings_are_refused(member, group, room):
    room.min_minutes = 60
    room.max_minutes = 180
    room.save()
    day = open_day()
    assert "3" in refused("length", member, room, group, day, "10:00", "14:00")
    refused("length", member, room, group, day, "10:00", "10:30")
    assert book(member, room, group, day, "10:00", "13:00")


def test_more_attendees_than_the_capacity_is_refused(member, group, room):
    message = refused("capacity", member, room, group, open_day(), attendees=13)
    assert "12" in message
    refused("attendees", member, room, group, open_day(), attendees=0)


@pytest.mark.date_sensitive
def test_the_booking_window_months_ahead(member, group, room):
    today = timezone.localdate()
    last = booking_window_last_day(room, today)
    assert last.month == ((today.month + 1) % 12) + 1
    beyond = last + dt.timedelta(days=1)
    while beyond.weekday() == 6:
        beyond += dt.timedelta(days=1)
    message = refused("window", member, room, group, beyond)
    assert "受付開始" in message
    assert f"{beyond.month}月{beyond.day}日" in message


def test_the_stated_opening_day_is_the_first_day_a_booking_is_allowed(
    member, group, room, monkeypatch
):
    """Two months before April 30 is no date: bookings for it open on March 1, and the
    refusal says so."""
    april_30 = dt.date(2026, 4, 30)

    def on(day):
        monkeypatch.setattr(timezone, "now", lambda: at(day, "09:00"))

    on(dt.date(2026, 2, 28))
    with translation.override("ja"):
        message = refused("window", member, room, group, april_30)
    assert "2026年3月1日" in message
    on(dt.date(2026, 3, 1))
    assert book(member, room, group, april_30).status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("kind", Room.Window.values)
@pytest.mark.parametrize("months", [0, 1, 2, 3])
def test_the_opening_day_agrees_with_the_window_on_every_day(kind, months):
    room = Room(window_kind=kind, window_months=months)
    day = dt.date(2026, 1, 1)
    while day < dt.date(2028, 1, 1):
        opens = booking_opens_on(room, day)
        assert booking_window_last_day(room, opens) >= day, (day, opens)
        assert booking_window_last_day(room, opens - dt.timedelta(days=1)) < day, (day, opens)
        day += dt.timedelta(days=1)


def test_the_booking_window_from_the_first_of_the_month_two_months_before(member, group, room):
    room.window_kind = Room.Window.MONTH_START
    room.save()
    today = dt.date(2026, 4, 15)
    # From April, bookings are open up to the end of June.
    assert booking_window_last_day(room, today) == dt.date(2026, 6, 30)
    assert booking_window_last_day(room, dt.date(2026, 4, 1)) == dt.date(2026, 6, 30)
    assert booking_window_last_day(room, dt.date(2026, 11, 30)) == dt.date(2027, 1, 31)


@pytest.mark.date_sensitive
def test_staff_may_book_beyond_the_window_for_a_group(staff, group, room):
    day = booking_window_last_day(room, timezone.localdate()) + dt.timedelta(days=10)
    while day.weekday() == 6:
        day += dt.timedelta(days=1)
    booking = book(staff, room, group, day)
    assert booking.status == Booking.Status.CONFIRMED


def test_an_overlapping_booking_is_refused_with_the_clashing_time(
    member, other_member, group, other_group, room
):
    day = open_day()
    book(member, room, group, day, "10:00", "12:00")
    message = refused("clash", other_member, room, other_group, day, "11:00", "13:00")
    assert "10:00" in message and "12:00" in message
    # Touching is fine: [10:00, 12:00) and [12:00, 13:00) do not overlap.
    assert book(other_member, room, other_group, day, "12:00", "13:00")


@pytest.mark.parametrize("written", [("10:00", "13:00"), ("13:00", "10:00")])
def test_of_several_clashing_bookings_the_message_names_the_first(
    written, member, other_member, group, other_group, room
):
    day = open_day()
    for start in written:  # the database finds them in the order they were written
        make_booking(room, at(day, start), at(day, f"{int(start[:2]) + 1}:00"), group=group)
    message = refused("clash", other_member, room, other_group, day, "10:30", "13:30")
    assert "10:00" in message and "11:00" in message
    assert "13:00" not in message and "14:00" not in message


def test_a_cancelled_booking_frees_its_time(member, group, room):
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="cancelled")
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, status="rejected")
    assert book(member, room, group, day)


def test_the_buffer_keeps_time_free_between_bookings(member, group, room):
    room.buffer_minutes = 30
    room.save()
    day = open_day()
    book(member, room, group, day, "10:00", "12:00")
    message = refused("clash", member, room, group, day, "12:00", "13:00")
    assert "30" in message
    refused("clash", member, room, group, day, "9:00", "10:00")
    assert book(member, room, group, day, "12:30", "13:30")


def test_a_room_that_needs_approval_makes_a_request(member, group, room):
    room.requires_approval = True
    room.save()
    booking = book(member, room, group, open_day())
    assert booking.status == Booking.Status.REQUESTED


def test_equipment_that_needs_approval_makes_a_request(member, group, room, projector):
    projector.requires_approval = True
    projector.save()
    booking = book(member, room, group, open_day(), equipment={projector: 1})
    assert booking.status == Booking.Status.REQUESTED


def test_equipment_is_never_lent_beyond_its_quantity(
    member, other_member, group, other_group, room, other_room, projector
):
    day = open_day()
    book(member, room, group, day, "10:00", "12:00", equipment={projector: 2})
    message = refused(
        "equipment", other_member, other_room, other_group, day, "11:00", "13:00",
        equipment={projector: 1},
    )  # fmt: skip
    assert "プロジェクター" in message
    assert "0" in message
    # After it comes back, it is free again.
    assert book(
        other_member, other_room, other_group, day, "12:00", "13:00", equipment={projector: 2}
    )
    assert BookingEquipment.objects.count() == 2


def test_equipment_peak_use_is_what_counts(member, group, room, other_room, laptops):
    third = RoomFactory(slug="third")
    day = open_day()
    book(member, room, group, day, "10:00", "11:00", equipment={laptops: 3})
    book(member, other_room, group, day, "11:00", "12:00", equipment={laptops: 3})
    # 10:00–12:00 never has more than 3 out at once: one laptop is free all along.
    assert book(member, third, group, day, "10:00", "12:00", equipment={laptops: 1})
    refused("equipment", member, third, group, day, "13:00", "14:00", equipment={laptops: 5})


def test_the_monthly_limit_counts_pending_requests(member, group, room, other_room, rules):
    rules.group_monthly_hours = 4
    rules.save()
    other_room.requires_approval = True
    other_room.save()
    day = open_day()
    pending = book(member, other_room, group, day, "10:00", "13:00")
    assert pending.status == Booking.Status.REQUESTED
    message = refused("limit", member, room, group, day, "14:00", "16:00")
    assert "4" in message and "1" in message
    assert book(member, room, group, day, "14:00", "15:00")


def test_a_room_limit_counts_only_that_room(member, group, room, other_room):
    room.group_monthly_hours = 2
    room.save()
    day = open_day()
    book(member, room, group, day, "10:00", "12:00")
    refused("limit", member, room, group, day, "13:00", "14:00")
    assert book(member, other_room, group, day, "13:00", "17:00")


def test_block_rooms_are_booked_by_whole_blocks(member, group):
    hall = RoomFactory(slug="hall", mode=Room.Mode.BLOCKS, capacity=40)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="午後", starts=dt.time(13), ends=dt.time(17))
    TimeBlock.objects.create(room=hall, label="夜間", starts=dt.time(18), ends=dt.time(21))
    day = open_day()
    message = refused("grid", member, hall, group, day, "10:00", "12:00")
    assert "午前" in message
    assert book(member, hall, group, day, "9:00", "12:00")
    assert book(member, hall, group, day, "13:00", "21:00")  # afternoon and evening


def test_a_member_cannot_book_for_another_group(member, other_group, room):
    with pytest.raises(BookingNotAllowed):
        book(member, room, other_group, open_day())
    assert not Booking.objects.exists()


def test_a_group_that_is_not_registered_cannot_book(member, group, room):
    group.status = Group.Status.SUSPENDED
    group.save()
    with pytest.raises(BookingNotAllowed):
        book(member, room, group, open_day())


def test_members_cannot_book_a_staff_only_room_or_make_staff_kinds(member, group, room, staff):
    with pytest.raises(BookingNotAllowed):
        book(member, room, group, open_day(), kind=Booking.Kind.MAINTENANCE)
    room.online_booking = False
    room.save()
    with pytest.raises(BookingNotAllowed):
        book(member, room, group, open_day())
    assert book(staff, room, group, open_day())


def test_an_office_event_skips_group_rules_but_not_the_calendar(staff, room, rules):
    """The events app books rooms this way (kind "event", no group)."""
    rules.group_monthly_hours = 1
    rules.save()
    room.max_minutes = 60
    room.save()
    day = open_day()
    event = book(staff, room, None, day, "9:00", "17:00", kind=Booking.Kind.EVENT, attendees=10)
    assert event.kind == "event" and event.group is None
    assert event.status == Booking.Status.CONFIRMED
    with pytest.raises(BookingError) as info:
        book(staff, room, None, day, "16:00", "18:00", kind=Booking.Kind.EVENT)
    assert info.value.code == "clash"
    sunday = day + dt.timedelta(days=6 - day.weekday())
    with pytest.raises(BookingError) as info:
        book(staff, room, None, sunday, kind=Booking.Kind.EVENT)
    assert info.value.code == "closed"


def test_messages_are_in_japanese(member, group, room, ja):
    with translation.override("ja"):
        message = refused("order", member, room, group, open_day(), "12:00", "10:00")
    assert "終了" in message
