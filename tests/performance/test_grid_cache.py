# ruff: noqa: F811 (the facilities fixtures imported below are used as arguments)
"""Kept grids (facilities.gridcache, issue #20) never show a booking that is gone nor hide one
that exists, whoever made the change and however; and no one sees a grid built for someone else.

Each test first looks at the grids (so they are kept), then changes something the way the
portal does, then looks again as every kind of viewer.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from events import services as event_services
from facilities import services
from facilities.models import Booking
from tests.events.factories import EventFactory

# The facilities tests' rooms, opening hours (autouse here) and staff with admin permissions.
from tests.facilities.conftest import office_hours, projector, room, staff_admin  # noqa: F401
from tests.facilities.factories import at, is_open_day, open_day

pytestmark = pytest.mark.django_db

BOOKED_CELL = re.compile(
    r'<td class="slot--booked[^"]*"[^>]*><span class="slot__status">([^<]+)</span>(.*?)</td>'
)


@pytest.fixture
def day():
    return open_day(after=9)


def week_url(room, day) -> str:
    return reverse("facilities:room", kwargs={"slug": room.slug}) + f"?week={day.isoformat()}"


def day_url(day) -> str:
    return reverse("facilities:day", kwargs={"day": day.isoformat()})


def booked(client, url) -> dict[str, str]:
    """The grid's booked cells: {time: what the cell says}."""
    response = client.get(url)
    assert response.status_code == 200
    return dict(BOOKED_CELL.findall(response.content.decode()))


@pytest.fixture
def viewers(client_for):
    """Someone of the group, someone of another group, the desk, and a visitor."""
    return {role: client_for(role) for role in ("member", "other_member", "staff", "anonymous")}


def everyone_sees(viewers, url, time: str | None, *, gone: str | None = None) -> None:
    for role, client in viewers.items():
        cells = booked(client, url)
        if time:
            assert time in cells, (role, url, cells)
        if gone:
            assert gone not in cells, (role, url, cells)


def look(viewers, *urls) -> None:
    for client in viewers.values():
        for url in urls:
            client.get(url)


def test_a_members_booking_and_its_cancellation_show_at_once(viewers, member, group, room, day):
    urls = (week_url(room, day), day_url(day))
    look(viewers, *urls)
    booking = services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    for url in urls:
        everyone_sees(viewers, url, "10:00–12:00")
    services.booking_cancel(actor=member, booking=booking)
    for url in urls:
        everyone_sees(viewers, url, None, gone="10:00–12:00")


def test_the_desk_approving_and_cancelling_show_at_once(viewers, member, staff, group, room, day):
    room.requires_approval = True
    room.save()
    url = week_url(room, day)
    booking = services.booking_create(
        actor=member, room=room, group=group, start=at(day, "13:00"), end=at(day, "15:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    assert booking.status == Booking.Status.REQUESTED
    look(viewers, url)
    assert "承認待ち" in booked(viewers["member"], url)["13:00–15:00"]
    services.booking_approve(actor=staff, booking=booking)
    assert "承認待ち" not in booked(viewers["member"], url)["13:00–15:00"]
    everyone_sees(viewers, url, "13:00–15:00")
    services.booking_cancel(actor=staff, booking=booking, reason="設備点検")
    everyone_sees(viewers, url, None, gone="13:00–15:00")


def test_the_admin_closing_and_opening_a_day_shows_at_once(viewers, staff_admin, room, day):
    url = week_url(room, day)
    admin = Client()
    admin.force_login(staff_admin)
    look(viewers, url)
    closed_before = viewers["anonymous"].get(url).content.decode().count("slot--closed")
    response = admin.post(
        reverse("admin:facilities_closedday_add"),
        {"date": day.isoformat(), "room": room.pk, "reason": "床の工事"},
    )
    assert response.status_code == 302
    for client in viewers.values():
        html = client.get(url).content.decode()
        assert html.count("slot--closed") == closed_before + 1 and "床の工事" in html
    from facilities.models import ClosedDay

    closed = ClosedDay.objects.get(reason="床の工事")
    delete = reverse("admin:facilities_closedday_delete", args=[closed.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    for client in viewers.values():
        assert "床の工事" not in client.get(url).content.decode()


def test_a_series_shows_on_every_week_it_books(viewers, member, group, room, day):
    # Three weeks in a row with the day open (the year-end closure may fall between).
    first = next(
        day + dt.timedelta(weeks=n)
        for n in range(10)
        if all(is_open_day(day + dt.timedelta(weeks=n + k)) for k in range(3))
    )
    days = [first + dt.timedelta(weeks=k) for k in range(3)]
    urls = [week_url(room, d) for d in days]
    look(viewers, *urls)
    result = services.series_create(
        actor=member, room=room, group=group, start=at(first, "18:00"), end=at(first, "20:00"),
        rule="weekly", count=len(days), dates=days, purpose="練習会", attendees=5,
    )  # fmt: skip
    assert len(result.booked) == len(days) == 3
    for url in urls:
        everyone_sees(viewers, url, "18:00–20:00")
    services.booking_cancel(actor=member, booking=result.booked[0], following=True)
    for url in urls:
        everyone_sees(viewers, url, None, gone="18:00–20:00")


def test_an_events_room_booking_and_its_release_show_at_once(viewers, staff, group, room, day):
    url = week_url(room, day)
    event = EventFactory(
        slug="grid-meeting", start=at(day, "13:00"), end=at(day, "15:00"), venue="",
        organiser=group, capacity=10,
    )  # fmt: skip
    look(viewers, url)
    event_services.event_book_room(actor=staff, event=event, room=room)
    everyone_sees(viewers, url, "13:00–15:00")
    event.refresh_from_db()
    event_services.event_release_room(actor=staff, event=event)
    everyone_sees(viewers, url, None, gone="13:00–15:00")


def test_a_take_out_loan_leaves_the_room_grids_right(
    viewers, member, representative, group, room, day, projector
):
    url = week_url(room, day)
    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    look(viewers, url)
    projector.may_leave_building = True
    projector.save()
    services.loan_create(
        actor=representative, group=group, equipment={projector: 1}, pickup_date=day,
        return_date=day + dt.timedelta(days=1), purpose="上映会",
    )  # fmt: skip
    everyone_sees(viewers, url, "10:00–12:00")


def test_a_renamed_group_shows_its_new_name_to_its_members(viewers, member, group, room, day):
    url = week_url(room, day)
    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    look(viewers, url)
    group.name = "子ども食堂ネットワーク新町"
    group.save()
    assert "新町" in booked(viewers["member"], url)["10:00–12:00"]


@pytest.mark.parametrize("first", ["member", "other_member", "anonymous"])
def test_no_one_sees_a_grid_built_for_someone_else(
    client_for, member, other_member, group, other_group, room, day, first
):
    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    services.booking_create(
        actor=other_member, room=room, group=other_group, start=at(day, "13:00"),
        end=at(day, "15:00"), purpose="定例会", attendees=5,
    )  # fmt: skip
    order = [first] + [r for r in ("member", "other_member", "anonymous") if r != first]
    for url in (week_url(room, day), day_url(day)):
        seen = {role: booked(client_for(role), url) for role in order}
        assert group.name in seen["member"]["10:00–12:00"]
        assert other_group.name not in seen["member"]["13:00–15:00"]
        assert other_group.name in seen["other_member"]["13:00–15:00"]
        assert group.name not in seen["other_member"]["10:00–12:00"]
        assert group.name not in str(seen["anonymous"])
        assert other_group.name not in str(seen["anonymous"])
        # Free slots link to the booking form for members who may book, never for the others.
        html = client_for("member").get(url).content.decode()
        assert "/book/" in html or "book" in html


def test_a_free_slot_turns_past_when_the_clock_passes_it(client_for, member, room):
    day = open_day(after=1)
    url = week_url(room, day)
    book_link = f"start={day.isoformat()}T10%3A00"
    with time_machine.travel(at(day, "09:57"), tick=True):
        assert book_link in client_for("member").get(url).content.decode()
        assert book_link in client_for("member").get(url).content.decode()  # kept
    with time_machine.travel(at(day, "10:03"), tick=True):
        assert book_link not in client_for("member").get(url).content.decode()


def test_member_pages_read_little_once_the_grid_is_kept(
    client_for, member, group, room, day, django_assert_max_num_queries
):
    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    client = client_for("member")
    room_page = reverse("facilities:room", kwargs={"slug": room.slug})
    # session, user, the viewer's groups, the room and its blocks, the version, the kept grid,
    # the header's roles.
    for url, limit in ((room_page, 8), (week_url(room, day), 8), (day_url(day), 7)):
        client.get(url)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_a_kept_grid_that_cannot_be_read_is_built_again(client_for, member, group, room, day):
    from unittest import mock

    from django.core.cache import caches

    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    url = week_url(room, day)
    client_for("member").get(url)  # kept
    cache = caches["default"]
    real_get = cache.get

    def get(key, *args, **kwargs):
        if key.startswith("grid:"):
            raise AttributeError("Can't get attribute 'Item' (a release of another shape)")
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", side_effect=get):
        assert "10:00–12:00" in booked(client_for("member"), url)


@pytest.mark.parametrize("role", ["member", "other_member", "staff", "anonymous"])
def test_a_kept_grid_reads_exactly_as_one_built_afresh(
    client_for, settings, member, group, room, day, role
):
    services.booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=5,
    )  # fmt: skip
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    client = client_for(role)
    for url in (week_url(room, day), day_url(day), reverse("facilities:room", args=[room.slug])):
        settings.GRID_CACHE_SECONDS = 0
        built = token.sub("", client.get(url).content.decode())
        settings.GRID_CACHE_SECONDS = 600
        client.get(url)  # kept now
        kept = token.sub("", client.get(url).content.decode())
        assert kept == built, url
