"""Capacity is never exceeded, even when many people press "register" at the same moment.

Real threads, each with its own PostgreSQL connection, against a committed database.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory

S = Registration.Status
pytestmark = pytest.mark.slow


def run_in_parallel(functions):
    """Start every function at once (a barrier) and collect results or errors."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_registrations_fill_exactly_the_capacity():
    event = EventFactory(capacity=10, max_party_size=5)
    users = [UserFactory() for _ in range(24)]
    results = run_in_parallel(
        [lambda u=u: services.registration_create(actor=u, event=event) for u in users]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED)
    waitlisted = Registration.objects.filter(event=event, status=S.WAITLISTED)
    assert confirmed.count() == 10
    assert waitlisted.count() == 14
    # The queue order is a strict sequence (no two people share a position).
    positions = sorted(waitlisted.values_list("waitlist_position", flat=True))
    assert positions == list(range(1, 15))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_parties_never_exceed_capacity():
    event = EventFactory(capacity=10, max_party_size=5)
    users = [UserFactory() for _ in range(12)]
    sizes = [3, 2, 4, 1, 3, 2, 5, 1, 2, 3, 4, 1]
    results = run_in_parallel(
        [
            lambda u=u, n=n: services.registration_create(actor=u, event=event, people=n)
            for u, n in zip(users, sizes, strict=True)
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    # The only refusals are "fewer places left than your party", each a clear message.
    assert all(isinstance(e, services.RegistrationError) for e in errors)
    taken = Registration.objects.filter(event=event, status=S.CONFIRMED).aggregate(n=Sum("people"))
    assert taken["n"] <= 10
    assert Registration.objects.filter(event=event).count() == 12 - len(errors)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_registers_once():
    event = EventFactory(capacity=10)
    user = UserFactory()
    results = run_in_parallel([lambda: services.registration_create(actor=user, event=event)] * 6)
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert all(isinstance(r, Registration | services.RegistrationError) for r in results)
    assert Registration.objects.filter(event=event, user=user).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_cancellations_promote_each_waiting_person_once():
    event = EventFactory(capacity=5)
    leaving = [RegistrationFactory(event=event) for _ in range(5)]
    waiting = [services.registration_create(actor=UserFactory(), event=event) for _ in range(8)]
    assert all(r.status == S.WAITLISTED for r in waiting)
    results = run_in_parallel(
        [lambda r=r: services.registration_cancel(actor=None, registration=r) for r in leaving]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED)
    assert confirmed.count() == 5
    # The first five in the queue moved up, in order; the last three still wait.
    assert set(confirmed.values_list("pk", flat=True)) == {r.pk for r in waiting[:5]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_guests_and_members_share_the_last_places():
    event = EventFactory(capacity=4, allow_guests=True)
    users = [UserFactory() for _ in range(4)]
    calls = [lambda u=u: services.registration_create(actor=u, event=event) for u in users]
    calls += [
        lambda i=i: services.registration_create_guest(
            event=event, name=f"ゲスト{i}", email=f"g{i}@example.net"
        )
        for i in range(4)
    ]
    results = run_in_parallel(calls)
    assert not [r for r in results if isinstance(r, Exception)]
    assert event.places_left() == 0
    holding = (
        Registration.objects.filter(event=event)
        .exclude(status=S.WAITLISTED)
        .exclude(status_on_confirm=S.WAITLISTED)
    )
    assert holding.aggregate(n=Sum("people"))["n"] == 4
