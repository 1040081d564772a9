"""What a booking writes (issue #20 writes the booking, its equipment and its audit row in one
statement): the same rows the ORM wrote, the audit row naming the booking, the signals a save
sends (the grids' and signed-in pages' versions renewed), and nothing left behind when the
exclusion constraint refuses the booking at the last moment."""

import datetime as dt

import pytest
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from core.models import AuditLog
from facilities import rules
from facilities.models import Booking, BookingEquipment
from facilities.services import BookingError, booking_create
from tests.facilities.factories import at, make_booking, open_day

pytestmark = pytest.mark.django_db


def test_the_booking_its_equipment_and_its_audit_row_are_written_together(
    member, group, room, projector, laptops
):
    day = open_day()
    before = timezone.now()
    booking = booking_create(
        actor=member,
        room=room,
        group=group,
        start=at(day, "10:00"),
        end=at(day, "12:00"),
        purpose="  定例会  ",
        attendees=8,
        equipment={projector: 1, laptops.pk: 2},
    )
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.room, stored.group, stored.booked_by) == (room, group, member)
    assert (stored.purpose, stored.attendees, stored.status) == ("定例会", 8, "confirmed")
    assert stored.period.lower == at(day, "10:00")
    assert stored.period.upper == at(day, "12:00") + dt.timedelta(minutes=room.buffer_minutes)
    assert before <= stored.created_at <= timezone.now()
    assert stored.updated_at >= stored.created_at
    assert stored.decided_by is None and stored.decided_at is None
    lines = {(line.equipment_id, line.quantity) for line in stored.equipment_items.all()}
    assert lines == {(projector.pk, 1), (laptops.pk, 2)}

    entry = AuditLog.objects.get(action="facilities.booking_create")
    assert entry.target_id == str(booking.pk) and entry.actor == member
    assert entry.target_type.model_class() is Booking
    assert entry.target_repr == str(stored)
    assert entry.data == {
        "status": "confirmed",
        "kind": "group",
        "group": group.pk,
        "equipment": {projector.name: 1, laptops.name: 2},
    }
    assert before <= entry.created_at <= timezone.now()


def test_a_booking_sends_the_signals_a_save_sends(member, group, room):
    heard = []

    def pre(sender, instance, **kwargs):
        heard.append(("pre", sender, instance._state.adding))

    def post(sender, instance, created, **kwargs):
        heard.append(("post", sender, created, instance.pk is not None))

    pre_save.connect(pre, dispatch_uid="test.pre")
    post_save.connect(post, dispatch_uid="test.post")
    try:
        day = open_day()
        booking_create(
            actor=member,
            room=room,
            group=group,
            start=at(day, "10:00"),
            end=at(day, "11:00"),
            purpose="定例会",
            attendees=4,
        )
    finally:
        pre_save.disconnect(dispatch_uid="test.pre")
        post_save.disconnect(dispatch_uid="test.post")
    assert ("pre", Booking, True) in heard
    assert ("post", Booking, True, True) in heard
    assert ("post", AuditLog, True, True) in heard


def test_a_clash_found_only_by_the_constraint_leaves_nothing_behind(
    member, group, other_group, room, projector, monkeypatch
):
    """Two bookings racing past the rules' read: the exclusion constraint refuses the second,
    and neither its equipment nor its audit row is left."""
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=other_group)
    audit_rows = AuditLog.objects.count()

    real = rules._rule_reads

    def blind(req, rules_, equipment_ids):
        facts, _clash, in_use = real(req, rules_, equipment_ids)
        return facts, None, in_use  # as if the other booking committed just after the read

    monkeypatch.setattr(rules, "_rule_reads", blind)
    with pytest.raises(BookingError) as raised:
        booking_create(
            actor=member,
            room=room,
            group=group,
            start=at(day, "11:00"),
            end=at(day, "12:00"),
            purpose="定例会",
            attendees=4,
            equipment={projector: 1},
        )
    assert raised.value.code == "clash"
    assert Booking.objects.filter(group=group).count() == 0
    assert not BookingEquipment.objects.exists()
    assert AuditLog.objects.count() == audit_rows
