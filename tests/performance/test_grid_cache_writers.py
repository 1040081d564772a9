# ruff: noqa: F811 (the facilities fixtures imported below are used as arguments)
"""Writers of the schedule do not queue behind one another for the kept grids' versions (issue
#20): the versions are written after each writer's commit (facilities.gridcache), so no writer
holds a cache row locked in its transaction. Real threads, connections and commits."""

import threading

import pytest
from django.core.cache import caches
from django.db import connection, transaction

from facilities import gridcache, services
from facilities.models import Booking

# The facilities tests' rooms and opening hours (autouse here).
from tests.facilities.conftest import office_hours, other_room, room  # noqa: F401
from tests.facilities.factories import at, make_booking, open_day

WAIT = 20  # seconds: far more than a booking takes, far less than a hung test


def book(actor, room, group, day, start, end):
    return services.booking_create(
        actor=actor, room=room, group=group, start=at(day, start), end=at(day, end),
        purpose="定例会", attendees=5,
    )  # fmt: skip


def versions(keys) -> dict:
    return caches["default"].get_many(keys)


@pytest.mark.django_db(transaction=True)
def test_two_writers_on_different_rooms_do_not_wait_for_each_other(
    settings, member, group, other_member, other_group, room, other_room, client_for
):
    settings.GRID_CACHE_SECONDS = 600
    day = open_day(after=9)
    for r in (room, other_room):  # both weeks kept, their versions written
        client_for("member").get(r.get_absolute_url() + f"?week={day.isoformat()}")
    first_keys = gridcache.booking_versions(room.pk, at(day, "10:00"), at(day, "12:00"))
    second_keys = gridcache.booking_versions(other_room.pk, at(day, "13:00"), at(day, "15:00"))
    before = versions(first_keys + second_keys)
    inside, release, second_done = threading.Event(), threading.Event(), threading.Event()
    crashes = []

    def first_writer():
        """Books room A and keeps its transaction open until told to commit."""
        try:
            with transaction.atomic():
                book(member, room, group, day, "10:00", "12:00")
                inside.set()
                release.wait(timeout=WAIT)
        except Exception as exc:
            crashes.append(repr(exc))
        finally:
            inside.set()
            connection.close()

    def second_writer():
        try:
            book(other_member, other_room, other_group, day, "13:00", "15:00")
            second_done.set()
        except Exception as exc:
            crashes.append(repr(exc))
        finally:
            connection.close()

    first = threading.Thread(target=first_writer)
    first.start()
    assert inside.wait(timeout=WAIT)
    second = threading.Thread(target=second_writer)
    second.start()
    try:
        # The second writer commits (and renews its versions) while the first one's
        # transaction is still open: it did not wait for any row the first one holds.
        finished_alone = second_done.wait(timeout=WAIT)
    finally:
        release.set()
        first.join(timeout=WAIT)
        second.join(timeout=WAIT)
    assert crashes == []
    assert finished_alone
    assert Booking.objects.count() == 2
    after = versions(first_keys + second_keys)
    assert all(after[key] != before.get(key) for key in first_keys + second_keys)
    for r, time in ((room, "10:00–12:00"), (other_room, "13:00–15:00")):
        page = client_for("member").get(r.get_absolute_url() + f"?week={day.isoformat()}")
        assert time in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_renews_its_versions_at_once(settings, group, room):
    settings.GRID_CACHE_SECONDS = 600
    day = open_day(after=9)
    keys = gridcache.booking_versions(room.pk, at(day, "10:00"), at(day, "12:00"))
    before = versions(keys)
    assert not connection.in_atomic_block
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    after = versions(keys)
    assert all(after[key] != before.get(key) for key in keys)
