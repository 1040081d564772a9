"""Take-out loans and room bookings fight over the same equipment in parallel threads against
PostgreSQL: exactly the stock is lent, the others get the friendly message, nothing half-saved."""

import datetime as dt

import pytest
from django.db.models import Sum

from facilities.models import BookingEquipment, EquipmentLoan, EquipmentLoanItem
from facilities.services import booking_create, loan_create
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, is_open_day, open_day
from tests.facilities.test_concurrency import members_of_groups, run_in_parallel

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

ATTEMPTS = 12


def loan_days():
    pickup = open_day(after=4)
    while not all(is_open_day(pickup + dt.timedelta(days=n)) for n in range(3)):
        pickup += dt.timedelta(days=1)
    return pickup, pickup + dt.timedelta(days=2)


def test_parallel_loans_never_lend_beyond_the_stock():
    pa_sets = EquipmentFactory(name="ポータブルPAセット", quantity=4, may_leave_building=True)
    pickup, back = loan_days()
    pairs = members_of_groups(ATTEMPTS)

    def attempt(user, group):
        return lambda: loan_create(
            actor=user, group=group, pickup_date=pickup, return_date=back, purpose="街頭活動",
            equipment={pa_sets: 1},
        )  # fmt: skip

    successes, errors = run_in_parallel([attempt(u, g) for u, g in pairs])
    assert len(successes) == 4
    assert len(errors) == ATTEMPTS - 4
    assert all("ポータブルPAセット" in e for e in errors)
    assert EquipmentLoan.objects.count() == 4
    assert not EquipmentLoan.objects.filter(items__isnull=True).exists()
    lent = EquipmentLoanItem.objects.aggregate(n=Sum("quantity"))["n"]
    assert lent == 4


def test_loans_and_room_bookings_in_parallel_share_the_stock():
    screens = EquipmentFactory(name="折りたたみスクリーン", quantity=3, may_leave_building=True)
    pickup, back = loan_days()
    middle = pickup + dt.timedelta(days=1)
    pairs = members_of_groups(ATTEMPTS)
    rooms = [RoomFactory(slug=f"room-loan-{n}") for n in range(ATTEMPTS)]

    def attempt(n, user, group):
        if n % 2:
            return lambda: loan_create(
                actor=user, group=group, pickup_date=pickup, return_date=back,
                purpose="写真展", equipment={screens: 1},
            )  # fmt: skip
        return lambda: booking_create(
            actor=user, room=rooms[n], group=group, start=at(middle, "13:00"),
            end=at(middle, "15:00"), purpose="上映会", attendees=5, equipment={screens: 1},
        )  # fmt: skip

    successes, errors = run_in_parallel([attempt(n, u, g) for n, (u, g) in enumerate(pairs)])
    assert len(successes) == 3
    assert len(errors) == ATTEMPTS - 3
    lent = (EquipmentLoanItem.objects.aggregate(n=Sum("quantity"))["n"] or 0) + (
        BookingEquipment.objects.aggregate(n=Sum("quantity"))["n"] or 0
    )
    assert lent == 3
    assert not EquipmentLoan.objects.filter(items__isnull=True).exists()
