# ruff: noqa: F811 (the facilities fixtures imported below are used as arguments)
"""Kept grids (facilities.gridcache, issue #20) never show a booking that is gone nor hide one
that exists, whoever made the change and however; and no one sees a grid built for someone else.

Each test first looks at the grids (so they are kept), then changes something the way the
portal does, then looks again as every kind of viewer. The cache is on here (the test settings
turn it off) and each change runs its after-commit callbacks (``committed``), as a real commit
would: the versions are renewed then, not inside the writer's transaction.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dbcache import AfterCommitWrites
from events import services as event_services
from facilities import gridcache, services
from facilities.models import Booking, ClosedDay
from tests.events.factories import EventFactory

# The facilities tests' rooms, opening hours (autouse here) and staff with admin permissions.
from tests.facilities.conftest import (  # noqa: F401
    office_hours,
    other_room,
    projector,
    room,
    staff_admin,
)
from tests.facilities.factories import RoomFactory, at, is_open_day, make_booking, open_day

pytestmark = pytest.mark.django_db

BOOKED_CELL = re.compile(
    r'<td class="slot--booked[^"]*"[^>]*><span class="slot__status">([^<]+)</span>(.*?)</td>'
)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def grids_kept(settings):
    settings.GRID_CACHE_SECONDS = 600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): change``: what the test wrote before counts as committed (its
    versions are renewed now), and the change's after-commit callbacks run at the block's end."""

    def commit():
        for _sids, func, _robust in list(connection.run_on_commit):
            if isinstance(func, AfterCommitWrites) and not func.done:
                func()
        return django_capture_on_commit_callbacks(execute=True)

    return commit


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


def book(member, room, group, day, start="10:00", end="12:00"):
    return services.booking_create(
        actor=member, room=room, group=group, start=at(day, start), end=at(day, end),
        purpose="定例会", attendees=5,
    )  # fmt: skip


def versions(*keys) -> dict:
    return caches["default"].get_many([gridcache.FACILITY_VERSION, *keys])


def test_a_members_booking_and_its_cancellation_show_at_once(
    viewers, committed, member, group, room, day
):
    urls = (week_url(room, day), day_url(day))
    look(viewers, *urls)
    with committed():
        booking = book(member, room, group, day)
    for url in urls:
        everyone_sees(viewers, url, "10:00–12:00")
    with committed():
        services.booking_cancel(actor=member, booking=booking)
    for url in urls:
        everyone_sees(viewers, url, None, gone="10:00–12:00")


def test_the_desk_approving_and_cancelling_show_at_once(
    viewers, committed, member, staff, group, room, day
):
    with committed():
        room.requires_approval = True
        room.save()
    url = week_url(room, day)
    with committed():
        booking = book(member, room, group, day, "13:00", "15:00")
    assert booking.status == Booking.Status.REQUESTED
    look(viewers, url)
    assert "承認待ち" in booked(viewers["member"], url)["13:00–15:00"]
    with committed():
        services.booking_approve(actor=staff, booking=booking)
    assert "承認待ち" not in booked(viewers["member"], url)["13:00–15:00"]
    everyone_sees(viewers, url, "13:00–15:00")
    with committed():
        services.booking_cancel(actor=staff, booking=booking, reason="設備点検")
    everyone_sees(viewers, url, None, gone="13:00–15:00")


def test_the_admin_closing_and_opening_a_day_shows_at_once(
    viewers, committed, staff_admin, room, day
):
    url = week_url(room, day)
    admin = Client()
    admin.force_login(staff_admin)
    look(viewers, url)
    closed_before = viewers["anonymous"].get(url).content.decode().count("slot--closed")
    with committed():
        response = admin.post(
            reverse("admin:facilities_closedday_add"),
            {"date": day.isoformat(), "room": room.pk, "reason": "床の工事"},
        )
    assert response.status_code == 302
    for client in viewers.values():
        html = client.get(url).content.decode()
        assert html.count("slot--closed") == closed_before + 1 and "床の工事" in html
    closed = ClosedDay.objects.get(reason="床の工事")
    delete = reverse("admin:facilities_closedday_delete", args=[closed.pk])
    with committed():
        assert admin.post(delete, {"post": "yes"}).status_code == 302
    for client in viewers.values():
        assert "床の工事" not in client.get(url).content.decode()


def test_a_series_shows_on_every_week_it_books(viewers, committed, member, group, room, day):
    # Three weeks in a row with the day open (the year-end closure may fall between).
    first = next(
        day + dt.timedelta(weeks=n)
        for n in range(10)
        if all(is_open_day(day + dt.timedelta(weeks=n + k)) for k in range(3))
    )
    days = [first + dt.timedelta(weeks=k) for k in range(3)]
    urls = [week_url(room, d) for d in days]
    look(viewers, *urls)
    with committed():
        result = services.series_create(
            actor=member, room=room, group=group, start=at(first, "18:00"),
            end=at(first, "20:00"), rule="weekly", count=len(days), dates=days, purpose="練習会",
            attendees=5,
        )  # fmt: skip
    assert len(result.booked) == len(days) == 3
    for url in urls:
        everyone_sees(viewers, url, "18:00–20:00")
    with committed():
        services.booking_cancel(actor=member, booking=result.booked[0], following=True)
    for url in urls:
        everyone_sees(viewers, url, None, gone="18:00–20:00")


def test_an_events_room_booking_and_its_release_show_at_once(
    viewers, committed, staff, group, room, day
):
    url = week_url(room, day)
    event = EventFactory(
        slug="grid-meeting", start=at(day, "13:00"), end=at(day, "15:00"), venue="",
        organiser=group, capacity=10,
    )  # fmt: skip
    look(viewers, url)
    with committed():
        event_services.event_book_room(actor=staff, event=event, room=room)
    everyone_sees(viewers, url, "13:00–15:00")
    event.refresh_from_db()
    with committed():
        event_services.event_release_room(actor=staff, event=event)
    everyone_sees(viewers, url, None, gone="13:00–15:00")


def test_a_take_out_loan_leaves_the_room_grids_right(
    viewers, committed, member, representative, group, room, day, projector
):
    url = week_url(room, day)
    with committed():
        book(member, room, group, day)
    look(viewers, url)
    with committed():
        projector.may_leave_building = True
        projector.save()
        services.loan_create(
            actor=representative, group=group, equipment={projector: 1}, pickup_date=day,
            return_date=day + dt.timedelta(days=1), purpose="上映会",
        )  # fmt: skip
    everyone_sees(viewers, url, "10:00–12:00")


def test_a_booking_moved_to_another_room_and_time_leaves_its_old_place(
    viewers, committed, member, group, room, other_room, day
):
    with committed():
        booking = book(member, room, group, day)
    urls = (week_url(room, day), week_url(other_room, day), day_url(day))
    look(viewers, *urls)
    with committed():
        services.booking_change(
            actor=member, booking=booking, room=other_room, start=at(day, "14:00"),
            end=at(day, "16:00"),
        )  # fmt: skip
    everyone_sees(viewers, week_url(room, day), None, gone="10:00–12:00")
    everyone_sees(viewers, week_url(other_room, day), "14:00–16:00")
    everyone_sees(viewers, day_url(day), "14:00–16:00", gone="10:00–12:00")


def test_a_renamed_group_shows_its_new_name_to_its_members(
    viewers, committed, member, group, room, day
):
    url = week_url(room, day)
    with committed():
        book(member, room, group, day)
    look(viewers, url)
    with committed():
        group.name = "子ども食堂ネットワーク新町"
        group.save()
    assert "新町" in booked(viewers["member"], url)["10:00–12:00"]


def test_a_booking_in_one_room_leaves_another_rooms_kept_week_alone(
    client_for, committed, member, group, room, other_room, day
):
    with committed():
        pass  # the set-up (rooms, groups, members) committed
    client = client_for("member")
    kept_url = week_url(other_room, day)
    client.get(kept_url)  # built and kept
    with CaptureQueriesContext(connection) as kept_read:
        client.get(kept_url)
    with committed():
        book(member, room, group, day)
    with CaptureQueriesContext(connection) as after:
        assert client.get(kept_url).status_code == 200
    # Served as kept: no read of the bookings, the calendar or the blocks, and no more queries.
    assert len(after.captured_queries) == len(kept_read.captured_queries)
    assert not any("facilities_booking" in q["sql"] for q in after.captured_queries)
    # The booked room's week and the day view show it at once.
    assert "10:00–12:00" in booked(client, week_url(room, day))
    assert "10:00–12:00" in booked(client, day_url(day))


def test_a_rolled_back_transaction_renews_nothing(client_for, committed, member, group, room, day):
    with committed():
        pass  # the set-up (rooms, groups, members) committed
    client = client_for("member")
    url = week_url(room, day)
    client.get(url)
    keys = gridcache.booking_versions(room.pk, at(day, "10:00"), at(day, "12:00"))
    before = versions(*keys)
    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        book(member, room, group, day)
        raise RuntimeError("the request failed after the booking's insert")
    assert callbacks == []
    assert versions(*keys) == before
    assert not Booking.objects.exists()
    with CaptureQueriesContext(connection) as read:
        assert "10:00–12:00" not in booked(client, url)
    assert not any("facilities_booking" in q["sql"] for q in read.captured_queries)


def test_several_changes_in_one_transaction_renew_each_version_once(
    committed, member, group, room, day
):
    with committed() as callbacks, transaction.atomic():
        book(member, room, group, day, "10:00", "11:00")
        book(member, room, group, day, "13:00", "14:00")
        group.name = "子ども食堂ネットワーク新町"
        group.save()
    # Each booking is a savepoint of its own (booking_create's atomic block inside the test's
    # transaction), whose writes are a batch of their own: a batch per savepoint, never one per
    # write (a booking alone, a transaction of its own in a request, is one: test_dbcache.py).
    renewals = [c for c in callbacks if isinstance(c, AfterCommitWrites)]
    assert len(renewals) == 2
    expected = {gridcache.room_day_version(room.pk, day), gridcache.day_version(day)}
    assert set().union(*(r.keys(gridcache.CACHE_ALIAS) for r in renewals)) == expected | {
        gridcache.FACILITY_VERSION
    }


def test_a_save_of_what_no_grid_shows_renews_nothing(committed, member, group, room, day):
    with committed():
        booking = book(member, room, group, day)
    with committed() as callbacks:
        booking.staff_notes = "鍵は事務所で"
        booking.save(update_fields=["staff_notes", "updated_at"])
    assert not any(
        isinstance(c, AfterCommitWrites) and c.keys(gridcache.CACHE_ALIAS) for c in callbacks
    )


@pytest.mark.parametrize("first", ["member", "other_member", "anonymous"])
def test_no_one_sees_a_grid_built_for_someone_else(
    client_for, member, other_member, group, other_group, room, day, first
):
    book(member, room, group, day)
    book(other_member, room, other_group, day, "13:00", "15:00")
    order = [first] + [r for r in ("member", "other_member", "anonymous") if r != first]
    for url in (week_url(room, day), day_url(day)):
        seen = {role: booked(client_for(role), url) for role in order}
        assert group.name in seen["member"]["10:00–12:00"]
        assert other_group.name not in seen["member"]["13:00–15:00"]
        assert other_group.name in seen["other_member"]["13:00–15:00"]
        assert group.name not in seen["other_member"]["10:00–12:00"]
        assert group.name not in str(seen["anonymous"])
        assert other_group.name not in str(seen["anonymous"])


@pytest.mark.parametrize("pages_kept", [0, 60], ids=["grid-kept", "page-kept-too"])
def test_a_free_slot_turns_past_when_the_clock_passes_it(
    client_for, settings, member, room, pages_kept
):
    # With the signed-in page kept whole too (core.viewercache), the grid tells it when it
    # turns stale.
    settings.VIEWER_PAGE_CACHE_SECONDS = pages_kept
    day = open_day(after=1)
    url = week_url(room, day)
    book_link = f"start={day.isoformat()}T10%3A00"
    client = client_for("member")
    with time_machine.travel(at(day, "09:59") + dt.timedelta(seconds=30), tick=True):
        assert book_link in client.get(url).content.decode()
        assert book_link in client.get(url).content.decode()  # kept
    with time_machine.travel(at(day, "10:00") + dt.timedelta(seconds=10), tick=True):
        assert book_link not in client.get(url).content.decode()


@pytest.fixture
def busy_week(member, group, other_group, day):
    """Six rooms (one with tidy-up time), each with six bookings on every open day of the week."""
    rooms = [RoomFactory(name=f"部屋{n}", slug=f"room-{n}", capacity=12) for n in range(5)]
    rooms.append(RoomFactory(name="和室", slug="washitsu", capacity=12, buffer_minutes=30))
    monday = day - dt.timedelta(days=day.weekday())
    for each in rooms:
        for offset in range(6):
            when = monday + dt.timedelta(days=offset)
            if not is_open_day(when):
                continue
            for n, hour in enumerate((9, 11, 13, 15, 17, 19)):
                make_booking(
                    each, at(when, f"{hour}:00"), at(when, f"{hour + 1}:00"),
                    group=group if n % 2 else other_group,
                )  # fmt: skip
    return rooms


def test_member_pages_read_little_once_the_grid_is_kept(
    client_for, busy_week, day, django_assert_max_num_queries
):
    client = client_for("member")
    room = busy_week[0]
    room_page = reverse("facilities:room", kwargs={"slug": room.slug})
    # The week: the session, the user, the viewer's groups, the room, the kept grid with its
    # versions (one get_many), the header's roles. The day view: the same without the room.
    for url, limit in ((room_page, 6), (week_url(room, day), 6), (day_url(day), 5)):
        client.get(url)
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.status_code == 200
        if url != room_page:  # (it opens on the next bookable day: this week, empty)
            assert BOOKED_CELL.search(response.content.decode()), url


def test_a_kept_grid_that_cannot_be_read_is_built_again(client_for, member, group, room, day):
    from unittest import mock

    book(member, room, group, day)
    url = week_url(room, day)
    client_for("member").get(url)  # kept
    cache = caches["default"]
    real_get_many = cache.get_many

    def get_many(keys, *args, **kwargs):
        if any(key.startswith("grid:") for key in keys):
            raise AttributeError("Can't get attribute 'Grid' (a release of another shape)")
        return real_get_many(keys, *args, **kwargs)

    with mock.patch.object(cache, "get_many", side_effect=get_many):
        assert "10:00–12:00" in booked(client_for("member"), url)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("role", ["member", "other_member", "staff", "anonymous"])
def test_a_kept_grid_reads_exactly_as_one_built_afresh(
    client_for, settings, member, other_member, group, other_group, room, day, role, language
):
    book(member, room, group, day)
    book(other_member, room, other_group, day, "13:00", "15:00")
    client = client_for(role)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    for url in (
        week_url(room, day),
        week_url(room, day) + f"&day={day.isoformat()}",
        day_url(day),
        reverse("facilities:room", args=[room.slug]),
    ):
        settings.GRID_CACHE_SECONDS = 0
        built = TOKEN.sub("", client.get(url).content.decode())
        settings.GRID_CACHE_SECONDS = 600
        client.get(url)  # kept now
        with CaptureQueriesContext(connection) as read:
            kept = TOKEN.sub("", client.get(url).content.decode())
        assert not any("facilities_booking" in q["sql"] for q in read.captured_queries), url
        assert kept == built, url
        assert ("Free" in built) == (language == "en"), url
