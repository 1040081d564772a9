"""The demo data: several rooms and equipment, years of bookings, growing facility users."""

import datetime as dt
import io
import random

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import make_staff
from core.demo import DemoContext
from core.fiscal import FiscalYear
from core.models import AuditLog
from facilities import demo
from facilities.models import (
    Booking,
    BookingEquipment,
    Equipment,
    EquipmentLoan,
    GroupCalendarFeed,
    NoShowSuspension,
    Room,
    WalkInCount,
)
from facilities.selectors import equipment_in_use, facility_users
from tests.clock import JST
from tests.factories import GroupFactory, MembershipFactory, UserFactory

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
    MembershipFactory(user=rep, group=groups[0], role="representative")
    staff = UserFactory(email="staff@example.com")
    make_staff(staff)
    ctx = DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO())
    ctx.shared.update(
        {"groups": groups, "rep_group": groups[0], "rep2_group": groups[1],
         "users": {"rep@example.com": rep, "staff@example.com": staff}}
    )  # fmt: skip
    GroupCalendarFeed.objects.all().delete()  # as for groups made in bulk (no post_save)
    demo.seed(ctx)

    # Every group has its private calendar feed, made in bulk through the service.
    assert GroupCalendarFeed.objects.count() == len(groups)
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

    _assert_only_states_the_services_reach(staff)

    demo.seed(ctx)  # idempotent
    assert Booking.objects.count() == total
    assert EquipmentLoan.objects.count() == len(loans)


def _audit_targets(action: str) -> set[str]:
    return set(
        AuditLog.objects.filter(action=f"facilities.{action}").values_list("target_id", flat=True)
    )


def _assert_only_states_the_services_reach(staff):
    """Every booking was asked for (an audit row), every used or missed one was recorded by
    staff after its start, and a request in a room that needs approval was decided by staff
    before it could be used: the demo holds no state the product could not reach."""
    created = _audit_targets("booking_create")
    assert {str(pk) for pk in Booking.objects.values_list("pk", flat=True)} <= created
    used = Booking.objects.filter(status="used")
    assert used.filter(actual_headcount__isnull=True).count() == 0
    assert {str(pk) for pk in used.values_list("pk", flat=True)} <= _audit_targets(
        "booking_record_usage"
    )
    recorded = AuditLog.objects.filter(action="facilities.booking_record_usage")
    assert not recorded.exclude(actor=staff).exists()
    first_used = Booking.objects.filter(status="used").order_by("start").first()
    row = recorded.get(target_id=str(first_used.pk))
    assert row.created_at >= first_used.start  # dated when it happened, not today
    approved = _audit_targets("booking_approve")
    needing = Booking.objects.filter(
        room__requires_approval=True, kind="group", status__in=["confirmed", "used", "no_show"]
    )
    assert needing.exists()
    assert {str(pk) for pk in needing.values_list("pk", flat=True)} <= approved
    assert not needing.filter(decided_by__isnull=True).exists()
    missed = Booking.objects.filter(status="no_show")
    assert {str(pk) for pk in missed.values_list("pk", flat=True)} <= _audit_targets(
        "booking_mark_no_show"
    )
    # The suspension came from the desk's service, with its audit row.
    assert AuditLog.objects.filter(action="facilities.suspension_create").count() == 1
    assert (
        WalkInCount.objects.count()
        == AuditLog.objects.filter(action="facilities.walk_in_set").count()
    )
