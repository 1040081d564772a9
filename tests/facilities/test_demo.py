"""The demo data: several rooms and equipment, years of bookings, growing facility users."""

import datetime as dt
import io
import random

import pytest
import time_machine
from django.utils import timezone

from core.demo import DemoContext
from core.fiscal import FiscalYear
from facilities import demo
from facilities.models import (
    Booking,
    BookingEquipment,
    Equipment,
    EquipmentLoan,
    NoShowSuspension,
    Room,
)
from facilities.selectors import equipment_in_use, facility_users
from tests.clock import JST
from tests.factories import GroupFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


# Checked on a fixed day: the demo leaves out a loan whose equipment its random bookings already
# take, so which loans exist depends on the day (none in the past at the year-end closure, on
# 2026-06-10 or on 29 February 2028, for instance; and 2015 has no 29 February).
@time_machine.travel(dt.datetime(2027, 5, 3, 10, 0, tzinfo=JST), tick=True)
def test_the_demo_has_years_of_bookings_with_growing_facility_users():
    groups = [
        GroupFactory(registered_on=timezone.localdate().replace(year=2015)) for _ in range(12)
    ]
    rep = UserFactory(email="rep@example.com")
    ctx = DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO())
    ctx.shared.update(
        {"groups": groups, "rep_group": groups[0], "rep2_group": groups[1],
         "users": {"rep@example.com": rep}}
    )  # fmt: skip
    demo.seed(ctx)

    assert Room.objects.count() >= 4
    assert Equipment.objects.filter(name="プロジェクター", quantity=2).exists()
    total = Booking.objects.count()
    assert 3000 < total < 9000
    current = FiscalYear.current().year
    users = [
        facility_users(FiscalYear(y).first_day, FiscalYear(y).last_day)
        for y in range(current - 6, current)
    ]
    assert 4000 < users[0] < users[-1] < 7500
    assert Booking.objects.filter(status="cancelled").exists()
    assert Booking.objects.filter(status="no_show").exists()
    assert NoShowSuspension.objects.filter(lifted_at__isnull=True).count() == 1
    upcoming = Booking.objects.filter(group=groups[0], start__gt=timezone.now())
    assert upcoming.filter(series__isnull=False).count() >= 4

    # Equipment is never lent beyond what the office owns, even in the demo.
    lines = BookingEquipment.objects.filter(booking__status__in=Booking.LIVE_STATUSES)
    for line in lines.select_related("booking", "equipment")[:300]:
        peak = equipment_in_use([line.equipment_id], line.booking.start, line.booking.end)
        assert 1 <= peak[line.equipment_id] <= line.equipment.quantity

    # Take-out loans in past and coming weeks, within the stock too.
    loans = list(EquipmentLoan.objects.prefetch_related("items"))
    assert len(loans) >= 4
    assert {loan.status for loan in loans} >= {"confirmed", "returned"}
    for loan in loans:
        for item in loan.items.all():
            peak = equipment_in_use([item.equipment_id], loan.start, loan.end)
            assert (
                peak.get(item.equipment_id, 0)
                <= Equipment.objects.get(pk=item.equipment_id).quantity
            )

    demo.seed(ctx)  # idempotent
    assert Booking.objects.count() == total
    assert EquipmentLoan.objects.count() == len(loans)
