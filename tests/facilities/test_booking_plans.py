"""A booking's rules read is planned once per connection (issue #20): in a transaction of the
booking's own, its statements after the group's lock run with generic plans (SET LOCAL
plan_cache_mode), which end with that transaction; a booking made inside a caller's transaction
(a series, an event) leaves the caller's planning alone. A change of a booking
(``booking_change``) takes the same lock and asks the same rules, so it plans them alike."""

import pytest
from django.db import connection, transaction

from facilities.services import booking_change, booking_create
from tests.facilities.factories import at, open_day

pytestmark = pytest.mark.django_db(transaction=True)


def plan_modes_of_the_rules_read():
    """plan_cache_mode as each rules read of the bookings made inside finds it."""
    modes = []

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("SELECT 0::smallint") or sql.startswith("(SELECT 2::smallint"):
            with connection.cursor() as cursor:
                cursor.execute("SHOW plan_cache_mode")
                modes.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    return modes, connection.execute_wrapper(wrapper)


def current_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def book(member, group, room, projector, start):
    hour = int(start[:2])
    return booking_create(
        actor=member,
        room=room,
        group=group,
        start=at(open_day(), start),
        end=at(open_day(), f"{hour + 1:02d}:00"),
        purpose="定例会",
        attendees=4,
        equipment={projector: 1},
    )


def test_a_booking_of_its_own_plans_its_rules_read_generically_and_only_there(
    member, group, room, projector
):
    default = current_mode()
    modes, watching = plan_modes_of_the_rules_read()
    with watching:
        book(member, group, room, projector, "10:00")
    assert modes == ["force_generic_plan"]
    assert current_mode() == default == "auto"  # it ended with the booking's transaction


def test_a_booking_inside_a_callers_transaction_leaves_its_planning_alone(
    member, group, room, projector
):
    modes, watching = plan_modes_of_the_rules_read()
    with watching, transaction.atomic():
        book(member, group, room, projector, "10:00")
        book(member, group, room, projector, "13:00")
        assert current_mode() == "auto"
    assert modes == ["auto", "auto"]


def move(member, booking, start):
    hour = int(start[:2])
    return booking_change(
        actor=member,
        booking=booking,
        start=at(open_day(), start),
        end=at(open_day(), f"{hour + 1:02d}:00"),
    )


def test_a_change_of_its_own_plans_its_rules_read_generically_and_only_there(
    member, group, room, projector
):
    booking = book(member, group, room, projector, "10:00")
    modes, watching = plan_modes_of_the_rules_read()
    with watching:
        moved = move(member, booking, "14:00")
    assert moved.start == at(open_day(), "14:00")
    assert modes == ["force_generic_plan"]
    assert current_mode() == "auto"


def test_a_change_inside_a_callers_transaction_leaves_its_planning_alone(
    member, group, room, projector
):
    booking = book(member, group, room, projector, "10:00")
    modes, watching = plan_modes_of_the_rules_read()
    with watching, transaction.atomic():
        move(member, booking, "14:00")
        assert current_mode() == "auto"
    assert modes == ["auto"]
