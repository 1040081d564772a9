"""iCalendar feeds: public busy times per room, a private feed per group."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from facilities.selectors import group_feed
from facilities.services import group_feed_reset
from tests.facilities.factories import at, make_booking, open_day

pytestmark = pytest.mark.django_db


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_room_feed_shows_busy_times_without_group_names(client, group, room, projector):
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="内部の会議")
    make_booking(room, at(day, "13:00"), at(day, "14:00"), group=group, status="cancelled")
    response = client.get(reverse("facilities:room_feed", kwargs={"slug": room.slug}))
    found = events(response)
    assert len(found) == 1
    assert found[0].decoded("dtstart") == at(day, "10:00")
    body = response.content.decode()
    assert group.name not in body and "内部の会議" not in body


def test_the_group_feed_lists_the_groups_bookings_with_details(client, group, other_group, room):
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="定例会")
    make_booking(room, at(day, "13:00"), at(day, "14:00"), group=other_group, purpose="よその会")
    make_booking(room, at(day, "15:00"), at(day, "16:00"), group=group, status="cancelled")
    feed = group_feed(group)
    url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": feed.token})
    found = events(client.get(url))
    assert len(found) == 2
    summaries = [str(e["summary"]) for e in found]
    assert any("定例会" in s for s in summaries)
    assert not any("よその会" in s for s in summaries)
    assert sorted(str(e["status"]) for e in found) == ["CANCELLED", "CONFIRMED"]


def test_the_representative_resets_the_secret_address(client_for, group, representative):
    old = group_feed(group).token
    response = client_for("representative").post(
        reverse("facilities:group_feed_reset", kwargs={"slug": group.slug})
    )
    assert response.status_code == 302
    new = group_feed(group).token
    assert new != old
    client = client_for("anonymous")
    old_url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": old})
    new_url = reverse("facilities:group_feed", kwargs={"slug": group.slug, "token": new})
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_a_member_who_is_not_representative_cannot_reset(member, group):
    from facilities.services import BookingNotAllowed

    with pytest.raises(BookingNotAllowed):
        group_feed_reset(actor=member, group=group)


def test_members_see_the_feed_address_on_their_bookings_page(client_for, group):
    page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert group_feed(group).token in page
