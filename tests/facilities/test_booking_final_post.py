"""The final POST of a booking (issue #20): it books the answers the confirmation page showed,
as that page checked and signed them, without building and cleaning the form again; every rule
is still asked again under the booking's locks, and a change in between (equipment withdrawn,
the member no longer in the group) is refused as before, the form shown again as it was filled
in. A token signed before the answers rode along still books through the form."""

import re
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from facilities import views
from facilities.models import Booking
from groups.models import Membership
from tests.facilities.factories import at, open_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def book_url(room):
    return reverse("facilities:book", kwargs={"slug": room.slug})


def answers(group, day, projector, **extra):
    data = {
        "group": group.pk,
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "purpose": "会報の印刷作業",
        "attendees": 6,
        "repeat": "none",
        f"equipment_{projector.pk}": 2,
    }
    data.update(extra)
    return data


def confirmation_token(client, room, data) -> str:
    response = client.post(book_url(room), {**data, "action": "check"})
    assert response.status_code == 200
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def test_the_final_post_books_the_checked_answers_without_the_form(
    client_for, member, group, room, projector, monkeypatch
):
    client = client_for("member")
    day = open_day()
    token = confirmation_token(client, room, answers(group, day, projector))

    def no_form(*args, **kwargs):
        raise AssertionError("the final POST built the booking form")

    monkeypatch.setattr(views, "BookingForm", no_form)
    response = client.post(book_url(room), {"token": token, "action": "book_confirmed"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.group, booking.room) == (group, room)
    assert (booking.start, booking.end) == (at(day, "10:00"), at(day, "12:00"))
    assert (booking.purpose, booking.attendees) == ("会報の印刷作業", 6)
    line = booking.equipment_items.get()
    assert (line.equipment, line.quantity) == (projector, 2)
    assert booking.booked_by == member


def test_equipment_withdrawn_after_the_confirmation_is_refused_and_the_form_kept(
    client_for, member, group, room, projector
):
    client = client_for("member")
    day = open_day()
    token = confirmation_token(client, room, answers(group, day, projector))
    projector.is_active = False
    projector.save()
    response = client.post(book_url(room), {"token": token, "action": "book_confirmed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "予約できませんでした" in page
    assert "会報の印刷作業" in page  # what the member typed is still there
    assert not Booking.objects.exists()


def test_a_member_who_left_the_group_after_the_confirmation_is_refused(
    client_for, member, group, other_group, room, projector
):
    # Still a member of another registered group, so the form itself is open to them.
    Membership.objects.create(user=member, group=other_group)
    client = client_for("member")
    day = open_day()
    token = confirmation_token(client, room, answers(group, day, projector))
    Membership.objects.filter(user=member, group=group).delete()
    response = client.post(book_url(room), {"token": token, "action": "book_confirmed"})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_a_token_signed_with_the_fields_alone_still_books_through_the_form(
    client_for, member, group, room, projector
):
    day = open_day()
    data = QueryDict(mutable=True)
    for key, value in answers(group, day, projector).items():
        data[key] = str(value)
    token = views._token_for(SimpleNamespace(user=member), data)
    response = client_for("member").post(
        book_url(room), {"token": token, "action": "book_confirmed"}
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.group, booking.purpose) == (group, "会報の印刷作業")
    assert booking.equipment_items.get().quantity == 2


def test_answers_for_another_room_are_not_booked_there(
    client_for, member, group, room, other_room, projector
):
    """A token from one room's confirmation posted to another room's form books nothing in
    the first room: the answers name their room."""
    client = client_for("member")
    day = open_day()
    token = confirmation_token(client, room, answers(group, day, projector))
    client.post(book_url(other_room), {"token": token, "action": "book_confirmed"})
    assert not Booking.objects.filter(room=room).exists()
