"""requested → confirmed → used / cancelled / no-show, the e-mails, reminders and walk-ins."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditLog
from facilities.models import Booking, NoShowSuspension, WalkInCount
from facilities.selectors import facility_users
from facilities.services import (
    BookingError,
    BookingNotAllowed,
    booking_approve,
    booking_cancel,
    booking_create,
    booking_mark_no_show,
    booking_record_usage,
    booking_reject,
    suspension_lift,
    walk_in_adjust,
    walk_in_set,
)
from groups.models import Membership
from tests.facilities.factories import at, make_booking, open_day, past_open_day
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_setup(group, representative):
    """The group has a representative who gets every booking mail."""
    return representative


def create(actor, room, group, day=None, start="10:00", end="12:00", **extra):
    day = day or open_day()
    extra.setdefault("purpose", "定例会")
    extra.setdefault("attendees", 6)
    return booking_create(
        actor=actor, room=room, group=group, start=at(day, start), end=at(day, end), **extra
    )


def test_a_confirmed_booking_mails_the_booker_and_the_representative(
    django_capture_on_commit_callbacks, member, group, room, mail_setup
):
    with django_capture_on_commit_callbacks(execute=True):
        create(member, room, group)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"member@example.org", "rep@example.org"}
    assert room.name in message.subject
    assert "定例会" in message.body
    assert AuditLog.objects.filter(action="facilities.booking_create").count() == 1


def test_a_request_is_approved_by_staff_with_an_email(
    django_capture_on_commit_callbacks, member, group, room, staff, mail_setup
):
    room.requires_approval = True
    room.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = create(member, room, group)
    assert booking.status == Booking.Status.REQUESTED
    assert "received" in mail.outbox[0].subject.lower() or "受け付け" in mail.outbox[0].subject
    with pytest.raises(BookingNotAllowed):
        booking_approve(actor=member, booking=booking)
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(actor=staff, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_by == staff
    assert len(mail.outbox) == 2


def test_a_request_is_declined_with_a_reason_and_frees_the_time(
    django_capture_on_commit_callbacks, member, group, room, staff, mail_setup
):
    room.requires_approval = True
    room.save()
    day = open_day()
    booking = create(member, room, group, day)
    with django_capture_on_commit_callbacks(execute=True):
        booking_reject(actor=staff, booking=booking, reason="当日は館内点検があります")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED
    assert "館内点検" in mail.outbox[-1].body
    assert create(member, room, group, day)


def test_a_member_cancels_before_the_deadline(
    django_capture_on_commit_callbacks, member, group, room, mail_setup
):
    booking = create(member, room, group)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=member, booking=booking, reason="講師の都合")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.status_reason == "講師の都合"
    assert "講師の都合" in mail.outbox[-1].body
    with pytest.raises(BookingError):
        booking_cancel(actor=member, booking=booking)


def test_after_the_deadline_only_staff_can_cancel(member, group, room, staff):
    room.cancel_deadline_hours = 72
    room.save()
    soon = timezone.localtime() + dt.timedelta(hours=30)
    booking = make_booking(
        room, soon, soon + dt.timedelta(hours=1), group=group, status="confirmed"
    )
    with pytest.raises(BookingError) as info:
        booking_cancel(actor=member, booking=booking)
    assert info.value.code == "deadline"
    assert "72" in str(info.value)
    booking_cancel(actor=staff, booking=booking, reason="電話で連絡あり")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_another_groups_member_cannot_cancel(member, other_member, group, room):
    booking = create(member, room, group)
    with pytest.raises(BookingNotAllowed):
        booking_cancel(actor=other_member, booking=booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_staff_record_the_actual_headcount_and_printing(staff, group, room, member):
    day = past_open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    with pytest.raises(BookingNotAllowed):
        booking_record_usage(actor=member, booking=booking, headcount=9)
    booking_record_usage(
        actor=staff, booking=booking, headcount=9, printing_masters=2, printing_sheets=300
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.USED
    assert (booking.actual_headcount, booking.printing_masters, booking.printing_sheets) == (
        9,
        2,
        300,
    )


def test_use_cannot_be_recorded_before_the_booking_starts(staff, member, group, room):
    booking = create(member, room, group)
    with pytest.raises(BookingError) as info:
        booking_record_usage(actor=staff, booking=booking, headcount=5)
    assert info.value.code == "future"


def test_no_shows_in_a_fiscal_year_suspend_online_booking_until_staff_lift_it(
    django_capture_on_commit_callbacks, staff, member, group, room, rules, mail_setup
):
    rules.no_show_limit = 2
    rules.save()
    first, second = past_open_day(3), past_open_day(10)
    for day in (first, second):
        booking = make_booking(room, at(day, "10:00"), at(day, "11:00"), group=group)
        with django_capture_on_commit_callbacks(execute=True):
            booking_mark_no_show(actor=staff, booking=booking)
    suspension = NoShowSuspension.objects.get(group=group)
    assert suspension.is_active and suspension.no_shows == 2
    assert any("suspended" in m.subject.lower() or "停止" in m.subject for m in mail.outbox)
    with pytest.raises(BookingError) as info:
        create(member, room, group)
    assert info.value.code == "suspended"
    # Staff can still book for the group (by phone).
    assert create(staff, room, group)
    suspension_lift(actor=staff, suspension=suspension)
    assert create(member, room, group, start="14:00", end="15:00")


def test_walk_in_visitors_are_counted_and_feed_the_facility_users_figure(staff, group, room):
    today = timezone.localdate()
    walk_in_adjust(actor=staff, day=today, delta=1)
    walk_in_adjust(actor=staff, day=today, delta=5)
    walk_in_adjust(actor=staff, day=today, delta=-1)
    assert WalkInCount.objects.get(date=today).count == 5
    walk_in_set(actor=staff, day=today - dt.timedelta(days=1), count=12)
    with pytest.raises(BookingError):
        walk_in_adjust(actor=staff, day=today + dt.timedelta(days=1), delta=1)
    day = past_open_day()
    make_booking(
        room, at(day, "10:00"), at(day, "11:00"), group=group, status="used", actual_headcount=8
    )
    make_booking(room, at(day, "13:00"), at(day, "14:00"), group=group, status="no_show")
    assert facility_users(today - dt.timedelta(days=30), today) == 5 + 12 + 8


@pytest.mark.date_sensitive
def test_the_reminder_command_mails_tomorrows_bookings_once(group, room, member, mail_setup):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    make_booking(room, at(tomorrow, "10:00"), at(tomorrow, "11:00"), group=group, booked_by=member)
    make_booking(
        room, at(tomorrow, "13:00"), at(tomorrow, "14:00"), group=group, status="cancelled"
    )
    call_command("facilities_reminders_send")
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"member@example.org", "rep@example.org"}
    call_command("facilities_reminders_send")
    assert len(mail.outbox) == 1


def test_inactive_representatives_get_no_mail(
    django_capture_on_commit_callbacks, member, group, room
):
    gone = UserFactory(email="gone@example.org", is_active=False)
    MembershipFactory(group=group, user=gone, role=Membership.Role.REPRESENTATIVE)
    with django_capture_on_commit_callbacks(execute=True):
        create(member, room, group)
    assert mail.outbox[0].to == ["member@example.org"]
