"""An event in an office room books it through the facilities rules (same constraint)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event
from facilities.models import Booking
from tests.events.factories import EventFactory
from tests.events.office import event_room, open_office
from tests.facilities.factories import RoomFactory, at, make_booking, open_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office_hours(db):
    open_office()


@pytest.fixture
def room(db):
    return event_room()


@pytest.fixture
def day():
    return open_day(after=10)


@pytest.fixture
def meeting(day, group):
    return EventFactory(
        slug="room-meeting",
        title="登録団体情報交換会",
        start=at(day, "13:00"),
        end=at(day, "15:00"),
        venue="",
        capacity=20,
        organiser=group,
    )


def test_booking_the_room_for_an_event(staff, meeting, room, client):
    booking = services.event_book_room(actor=staff, event=meeting, room=room)
    meeting.refresh_from_db()
    assert meeting.booking == booking and meeting.room == room
    assert (booking.kind, booking.start, booking.end) == (
        Booking.Kind.EVENT,
        meeting.start,
        meeting.end,
    )
    assert booking.status in Booking.LIVE_STATUSES
    page = client.get(meeting.get_absolute_url())
    assert "ミーティングスペースA" in page.content.decode()
    (component,) = Calendar.from_ical(
        client.get(reverse("events:ics", args=[meeting.slug])).content
    ).walk("VEVENT")
    assert str(component["location"]) == "ミーティングスペースA"


def test_a_taken_room_is_refused_with_the_facilities_message(staff, meeting, room, group):
    make_booking(
        room,
        at(meeting.start.astimezone(timezone.get_current_timezone()).date(), "14:00"),
        meeting.end + dt.timedelta(hours=1),
        group=group,
    )
    with pytest.raises(services.EventError) as error:
        services.event_book_room(actor=staff, event=meeting, room=room)
    assert str(error.value)
    meeting.refresh_from_db()
    assert meeting.booking is None
    assert Booking.objects.filter(kind=Booking.Kind.EVENT).count() == 0


def test_moving_to_another_room_cancels_the_first_booking(staff, meeting, room):
    other = RoomFactory(name="会議室B", slug="room-b", capacity=30)
    first = services.event_book_room(actor=staff, event=meeting, room=room)
    second = services.event_book_room(actor=staff, event=meeting, room=other)
    first.refresh_from_db()
    assert first.status == Booking.Status.CANCELLED
    meeting.refresh_from_db()
    assert meeting.booking == second and meeting.room == other
    # Booking the same room and time again changes nothing.
    assert services.event_book_room(actor=staff, event=meeting, room=other) == second


def test_a_failed_move_keeps_the_first_booking(staff, meeting, room, group):
    other = RoomFactory(name="会議室B", slug="room-b", capacity=30)
    make_booking(other, meeting.start, meeting.end, group=group)
    first = services.event_book_room(actor=staff, event=meeting, room=room)
    with pytest.raises(services.EventError):
        services.event_book_room(actor=staff, event=meeting, room=other)
    first.refresh_from_db()
    meeting.refresh_from_db()
    assert first.status != Booking.Status.CANCELLED and meeting.booking == first


def test_cancelling_the_event_releases_the_room(staff, meeting, room):
    booking = services.event_book_room(actor=staff, event=meeting, room=room)
    services.event_cancel(actor=staff, event=meeting)
    booking.refresh_from_db()
    meeting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and meeting.booking is None


def test_only_staff_book_rooms_for_events(member, meeting, room):
    with pytest.raises(services.EventError):
        services.event_book_room(actor=member, event=meeting, room=room)
    assert not Booking.objects.exists()


def admin_data(day, room):
    return {
        "title": "NPO会計講座",
        "slug": "kaikei",
        "kind": "seminar",
        "status": "published",
        "organiser": "",
        "start_0": day.isoformat(),
        "start_1": "18:00:00",
        "end_0": day.isoformat(),
        "end_1": "20:00:00",
        "room": room.pk,
        "venue": "",
        "summary": "",
        "description": "",
        "fee_note": "",
        "capacity": "20",
        "max_party_size": "5",
        "guest_max_party_size": "2",
        "registration_opens_0": "",
        "registration_opens_1": "",
        "registration_closes_0": "",
        "registration_closes_1": "",
        "waiting_list": "on",
        "mode": "first_come",
        "draw_at_0": "",
        "draw_at_1": "",
        "staff_note": "",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }


def test_staff_create_an_event_with_a_room_in_the_admin(client_for, day, room):
    response = client_for("staff").post(reverse("admin:events_event_add"), admin_data(day, room))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="kaikei")
    assert event.status == Event.Status.PUBLISHED
    assert event.room == room and event.booking.kind == Booking.Kind.EVENT


def test_admin_shows_the_clash_and_saves_nothing(client_for, day, room, group):
    make_booking(room, at(day, "17:00"), at(day, "19:00"), group=group)
    response = client_for("staff").post(reverse("admin:events_event_add"), admin_data(day, room))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["room"]
    assert not Event.objects.exists()
    assert Booking.objects.count() == 1


def test_admin_needs_a_room_or_a_venue(client_for, day, room):
    response = client_for("staff").post(
        reverse("admin:events_event_add"), {**admin_data(day, room), "room": ""}
    )
    assert "外部会場を入力してください" in response.content.decode()
    assert not Event.objects.exists()
