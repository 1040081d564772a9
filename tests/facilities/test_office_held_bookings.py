"""The office's own bookings (an event booked for its organiser group, office use) stay with
staff: members of that group see them but cannot cancel them and so free the room."""

import pytest
from django.urls import reverse

from facilities.models import Booking
from facilities.permissions import can_manage_booking
from facilities.services import BookingError, BookingNotAllowed, booking_cancel, booking_create
from tests.facilities.factories import at, open_day

pytestmark = pytest.mark.django_db


def office_booking(staff, room, group, kind=Booking.Kind.EVENT):
    """What the events app does for an event: a staff booking of kind "event" naming the
    organiser group."""
    day = open_day()
    return booking_create(
        actor=staff,
        room=room,
        group=group,
        start=at(day, "13:00"),
        end=at(day, "15:00"),
        purpose="登録団体情報交換会",
        attendees=10,
        kind=kind,
    )


@pytest.mark.parametrize("kind", [Booking.Kind.EVENT, Booking.Kind.OFFICE])
def test_a_member_cannot_cancel_the_offices_booking_for_the_group(
    staff, member, representative, group, room, kind
):
    booking = office_booking(staff, room, group, kind=kind)
    for user in (member, representative):
        assert not can_manage_booking(user, booking)
        with pytest.raises(BookingNotAllowed):
            booking_cancel(actor=user, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_member_sees_the_event_booking_without_a_cancel_link(
    client_for, staff, member, group, room, ja
):
    event = office_booking(staff, room, group)
    day = open_day()
    own = booking_create(
        actor=member,
        room=room,
        group=group,
        start=at(day, "10:00"),
        end=at(day, "12:00"),
        purpose="定例会",
        attendees=6,
    )
    page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert "登録団体情報交換会" in page
    assert reverse("facilities:booking_cancel", kwargs={"pk": own.pk}) in page
    assert reverse("facilities:booking_cancel", kwargs={"pk": event.pk}) not in page
    assert "オフィスの予約です" in page


def test_a_crafted_cancel_post_is_refused_and_the_room_stays_held(
    client_for, staff, member, other_member, group, other_group, room
):
    event = office_booking(staff, room, group)
    url = reverse("facilities:booking_cancel", kwargs={"pk": event.pk})
    assert client_for("member").get(url).status_code == 403
    assert client_for("member").post(url, {"reason": "不要"}).status_code == 403
    event.refresh_from_db()
    assert event.status == Booking.Status.CONFIRMED
    # The room is still the event's: another group cannot take the time.
    with pytest.raises(BookingError) as info:
        booking_create(
            actor=other_member,
            room=room,
            group=other_group,
            start=event.start,
            end=event.end,
            purpose="横取り",
            attendees=4,
        )
    assert info.value.code == "clash"


def test_staff_still_cancel_the_offices_booking(client_for, staff, group, room):
    event = office_booking(staff, room, group)
    url = reverse("facilities:booking_cancel", kwargs={"pk": event.pk})
    assert client_for("staff").post(url, {"reason": "中止"}).status_code == 302
    event.refresh_from_db()
    assert event.status == Booking.Status.CANCELLED
