"""One rule decides whether a booking may be cancelled now: the bookings page's link, the cancel
page's form and the cancel service always give the same answer, to the minute."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from facilities.models import Booking
from facilities.permissions import can_cancel_booking
from facilities.services import BookingError, booking_cancel
from tests.facilities.factories import make_booking

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2027, 6, 9, 10, 0, tzinfo=JST)  # a Wednesday morning, the office open


def _booking(room, group, *, minutes_ahead: int) -> Booking:
    start = NOW + dt.timedelta(minutes=minutes_ahead)
    return make_booking(room, start, start + dt.timedelta(hours=1), group=group)


@pytest.mark.parametrize(
    ("minutes_ahead", "may"),
    [(24 * 60, True), (24 * 60 - 1, False)],
    ids=["at-the-deadline", "a-minute-late"],
)
def test_the_page_the_cancel_form_and_the_service_agree_on_the_deadline(
    client_for, member, group, room, minutes_ahead, may
):
    room.cancel_deadline_hours = 24
    room.save()
    with time_machine.travel(NOW, tick=False):
        booking = _booking(room, group, minutes_ahead=minutes_ahead)
        assert can_cancel_booking(member, booking) is may
        client = client_for("member")
        cancel_url = reverse("facilities:booking_cancel", kwargs={"pk": booking.pk})
        page = client.get(reverse("facilities:bookings")).content.decode()
        assert (cancel_url in page) is may
        assert client.get(cancel_url).context["in_time"] is may
        if may:
            booking_cancel(actor=member, booking=booking)
        else:
            with pytest.raises(BookingError) as info:
                booking_cancel(actor=member, booking=booking)
            assert info.value.code == "deadline"
    booking.refresh_from_db()
    assert (booking.status == Booking.Status.CANCELLED) is may


def test_staff_may_cancel_after_the_deadline_and_nobody_twice(member, staff, group, room):
    room.cancel_deadline_hours = 24
    room.save()
    with time_machine.travel(NOW, tick=False):
        booking = _booking(room, group, minutes_ahead=60)
        assert not can_cancel_booking(member, booking)
        assert can_cancel_booking(staff, booking)
        booking_cancel(actor=staff, booking=booking, reason="電話で連絡あり")
        booking.refresh_from_db()
        assert not can_cancel_booking(staff, booking)
        assert not can_cancel_booking(member, booking)


def test_another_groups_member_may_not_cancel(other_member, group, room):
    with time_machine.travel(NOW, tick=False):
        booking = _booking(room, group, minutes_ahead=7 * 24 * 60)
        assert not can_cancel_booking(other_member, booking)
