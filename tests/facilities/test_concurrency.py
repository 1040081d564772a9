"""Many real parallel attempts against PostgreSQL: no double booking, no over-lending.

Each attempt runs in its own thread with its own database connection, all released at once by
a barrier, the way a popular slot is fought over the minute bookings open.
"""

import itertools
import threading

import pytest
from django.db import connection

from facilities.models import Booking, BookingEquipment
from facilities.services import BookingError, booking_create
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, open_day
from tests.factories import GroupFactory, MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

ATTEMPTS = 12


def run_in_parallel(jobs):
    """Run each job in its own thread at the same moment; return (successes, errors)."""
    barrier = threading.Barrier(len(jobs))
    successes, errors, crashes = [], [], []
    lock = threading.Lock()

    def worker(job):
        try:
            barrier.wait(timeout=30)
            result = job()
            with lock:
                successes.append(result)
        except BookingError as exc:
            with lock:
                errors.append(str(exc))
        except Exception as exc:  # a deadlock or a 500 would land here
            with lock:
                crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert crashes == []
    return successes, errors


def members_of_groups(n):
    pairs = []
    for _i in range(n):
        group = GroupFactory()
        pairs.append((MembershipFactory(group=group).user, group))
    return pairs


def test_exactly_one_of_many_parallel_bookings_of_a_slot_wins():
    room = RoomFactory(slug="popular")
    day = open_day()
    pairs = members_of_groups(ATTEMPTS)

    def attempt(user, group):
        return lambda: booking_create(
            actor=user, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
            purpose="総会", attendees=10,
        )  # fmt: skip

    successes, errors = run_in_parallel([attempt(u, g) for u, g in pairs])
    assert len(successes) == 1
    assert len(errors) == ATTEMPTS - 1
    assert all("10:00" in e or "just booked" in e or "予約" in e for e in errors)
    assert Booking.objects.filter(room=room).count() == 1


def test_overlapping_but_different_slots_still_give_one_winner():
    room = RoomFactory(slug="popular2")
    day = open_day()
    pairs = members_of_groups(ATTEMPTS)
    slots = [("10:00", "12:00"), ("11:00", "13:00"), ("9:30", "10:30"), ("11:30", "12:30")]

    def attempt(n, user, group):
        start, end = slots[n % len(slots)]
        return lambda: booking_create(
            actor=user, room=room, group=group, start=at(day, start), end=at(day, end),
            purpose="総会", attendees=10,
        )  # fmt: skip

    run_in_parallel([attempt(n, u, g) for n, (u, g) in enumerate(pairs)])
    bookings = list(Booking.objects.filter(room=room).order_by("start"))
    for before, after in itertools.pairwise(bookings):
        assert before.end <= after.start


def test_equipment_is_never_lent_beyond_its_quantity_under_parallel_bookings():
    laptops = EquipmentFactory(name="ノートPC", quantity=4)
    day = open_day()
    pairs = members_of_groups(ATTEMPTS)
    rooms = [RoomFactory(slug=f"room-par-{n}") for n in range(ATTEMPTS)]

    def attempt(n, user, group):
        return lambda: booking_create(
            actor=user, room=rooms[n], group=group, start=at(day, "13:00"), end=at(day, "15:00"),
            purpose="パソコン講座", attendees=5, equipment={laptops: 1},
        )  # fmt: skip

    successes, errors = run_in_parallel([attempt(n, u, g) for n, (u, g) in enumerate(pairs)])
    assert len(successes) == 4
    assert len(errors) == ATTEMPTS - 4
    lent = sum(
        BookingEquipment.objects.filter(equipment=laptops).values_list("quantity", flat=True)
    )
    assert lent == 4


def test_mixed_quantities_never_exceed_the_stock():
    projectors = EquipmentFactory(name="プロジェクター", quantity=2)
    day = open_day()
    pairs = members_of_groups(8)
    rooms = [RoomFactory(slug=f"room-mix-{n}") for n in range(8)]

    def attempt(n, user, group):
        return lambda: booking_create(
            actor=user, room=rooms[n], group=group, start=at(day, "18:00"), end=at(day, "20:00"),
            purpose="上映会", attendees=5, equipment={projectors: 1 + n % 2},
        )  # fmt: skip

    run_in_parallel([attempt(n, u, g) for n, (u, g) in enumerate(pairs)])
    lent = sum(
        BookingEquipment.objects.filter(equipment=projectors).values_list("quantity", flat=True)
    )
    assert 1 <= lent <= 2
