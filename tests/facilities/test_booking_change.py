"""Changing a booking (予約の変更, issue #16 part 4): one step, judged as if the original were not
there, applied in one transaction; a failed change leaves the old booking untouched and says
why; a change needing approval holds the new time while the original holds until staff decide."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditLog
from facilities.models import Booking, FacilitySettings
from facilities.services import (
    BookingError,
    BookingNotAllowed,
    booking_approve,
    booking_cancel,
    booking_change,
    booking_create,
    booking_reject,
)
from tests.facilities.factories import at, make_booking, open_day
from tests.facilities.test_concurrency import members_of_groups, run_in_parallel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def book(member, group, room, day, start="10:00", end="12:00", **extra):
    return booking_create(
        actor=member, room=room, group=group, start=at(day, start), end=at(day, end),
        purpose="定例会", attendees=extra.pop("attendees", 6), **extra,
    )  # fmt: skip


def change_url(booking):
    return reverse("facilities:booking_change", kwargs={"pk": booking.pk})


def change_data(booking, **extra):
    start = booking.start.astimezone(dt.timezone(dt.timedelta(hours=9)))
    end = booking.end.astimezone(dt.timezone(dt.timedelta(hours=9)))
    data = {
        "room": booking.room_id,
        "date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "attendees": booking.attendees,
        "purpose": booking.purpose,
    }
    data.update(extra)
    return data


def confirmed(client, booking, data):
    """The change form, then the confirmation page's button (the change is made there)."""
    page = client.post(change_url(booking), data)
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(change_url(booking), {"token": token, "action": "change_confirmed"})


def test_extending_a_booking_in_the_same_room_works_in_place(
    member, group, room, django_capture_on_commit_callbacks
):
    day = open_day()
    booking = book(member, group, room, day)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed = booking_change(actor=member, booking=booking, end=at(day, "13:00"))
    assert changed.pk == booking.pk
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(day, "10:00"), at(day, "13:00"))
    assert booking.period.upper == at(day, "13:00") + dt.timedelta(minutes=room.buffer_minutes)
    assert booking.status == Booking.Status.CONFIRMED
    entry = AuditLog.objects.get(action="facilities.booking_change")
    assert entry.actor == member and entry.data["before"]["end"].startswith(f"{day}T12:00")
    message = mail.outbox[-1]
    assert "変更" in message.subject
    assert "変更前" in message.body and "キャンセル期限" in message.body
    assert message.attachments and message.attachments[0][0].endswith(".ics")


def test_the_original_equipment_is_free_for_its_change(member, group, room, projector):
    day = open_day()
    booking = book(member, group, room, day, equipment={projector: 2})
    booking_change(
        actor=member, booking=booking, start=at(day, "11:00"), end=at(day, "13:00"),
        equipment={projector: 2},
    )  # fmt: skip
    booking.refresh_from_db()
    assert booking.start == at(day, "11:00")
    assert booking.equipment_items.get().quantity == 2


def test_a_change_is_judged_without_the_original_hours_of_the_month(member, group, room):
    rules = FacilitySettings.load()
    rules.group_monthly_hours = 2
    rules.save()
    day = open_day()
    booking = book(member, group, room, day)
    booking_change(actor=member, booking=booking, start=at(day, "14:00"), end=at(day, "16:00"))
    booking.refresh_from_db()
    assert booking.start == at(day, "14:00")


def test_a_change_to_a_taken_time_keeps_the_old_booking_and_says_so(
    client_for, member, group, other_group, room
):
    day = open_day()
    booking = book(member, group, room, day)
    make_booking(room, at(day, "14:00"), at(day, "16:00"), group=other_group)
    response = client_for("member").post(
        change_url(booking), change_data(booking, start_time="14:00", end_time="16:00")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "予約は変更されていません" in page
    assert "14:00" in page and "16:00" in page
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(day, "10:00"), at(day, "12:00"))
    assert booking.status == Booking.Status.CONFIRMED
    assert not AuditLog.objects.filter(action="facilities.booking_change").exists()


def test_every_problem_of_a_change_is_shown_at_once(client_for, member, group, room, projector):
    day = open_day()
    booking = book(member, group, room, day)
    response = client_for("member").post(
        change_url(booking),
        change_data(
            booking, attendees=room.capacity + 1, purpose="", **{f"equipment_{projector.pk}": 5}
        ),
    )
    page = response.content.decode()
    assert "プロジェクターは2台までです" in page
    assert "利用目的を入力してください" in page
    booking.refresh_from_db()
    assert booking.attendees == 6


def test_the_change_page_changes_the_time_after_its_confirmation(client_for, member, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("member")
    page = client.get(change_url(booking)).content.decode()
    assert 'value="10:00"' in page and 'value="12:00"' in page
    response = confirmed(
        client, booking, change_data(booking, start_time="15:00", end_time="17:00")
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(day, "15:00")


def test_a_crafted_change_of_another_groups_booking_is_refused(
    client_for, other_member, member, group, room
):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("other_member")
    assert client.get(change_url(booking)).status_code == 403
    response = client.post(
        change_url(booking), change_data(booking, start_time="15:00", end_time="17:00")
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.start == at(day, "10:00")
    with pytest.raises(BookingNotAllowed):
        booking_change(actor=other_member, booking=booking, end=at(day, "13:00"))


def test_after_the_deadline_a_member_cannot_change_but_staff_can(member, staff, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    deadline = booking.start - dt.timedelta(hours=room.cancel_deadline_hours)
    with time_machine.travel(deadline + dt.timedelta(minutes=5)):
        with pytest.raises(BookingError) as caught:
            booking_change(actor=member, booking=booking, end=at(day, "13:00"))
        assert caught.value.code == "deadline"
        booking_change(actor=staff, booking=booking, end=at(day, "13:00"))
    booking.refresh_from_db()
    assert booking.end == at(day, "13:00")


def test_a_change_needing_approval_holds_both_times_until_staff_decide(
    member, other_member, staff, group, other_group, room, django_capture_on_commit_callbacks
):
    day = open_day()
    booking = book(member, group, room, day)
    room.requires_approval = True
    room.save()
    with django_capture_on_commit_callbacks(execute=True):
        change = booking_change(
            actor=member, booking=booking, start=at(day, "11:00"), end=at(day, "14:00")
        )
    assert change.pk != booking.pk and change.replaces == booking
    assert change.status == Booking.Status.REQUESTED
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.end == at(day, "12:00")
    assert "変更" in mail.outbox[-1].subject
    # Nobody else can take the new time meanwhile, nor ask for a second change.
    with pytest.raises(BookingError):
        book(other_member, other_group, room, day, "13:00", "14:00")
    with pytest.raises(BookingError) as caught:
        booking_change(actor=member, booking=booking, end=at(day, "13:00"))
    assert caught.value.code == "pending"

    booking_approve(actor=staff, booking=change)
    booking.refresh_from_db()
    change.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert change.status == Booking.Status.CONFIRMED and change.replaces is None
    # The change stands alone now: it can be changed again in turn.
    room.requires_approval = False
    room.save()
    booking_change(actor=member, booking=change, end=at(day, "15:00"))


def test_a_declined_change_leaves_the_original_as_it_was(member, staff, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    room.requires_approval = True
    room.save()
    change = booking_change(actor=member, booking=booking, start=at(day, "15:00"),
                            end=at(day, "17:00"))  # fmt: skip
    booking_reject(actor=staff, booking=change, reason="点検のため")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.start == at(day, "10:00")


def test_cancelling_a_booking_withdraws_its_pending_change(member, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    room.requires_approval = True
    room.save()
    change = booking_change(actor=member, booking=booking, end=at(day, "13:00"))
    cancelled = booking_cancel(actor=member, booking=booking)
    assert {b.pk for b in cancelled} == {booking.pk, change.pk}
    change.refresh_from_db()
    assert change.status == Booking.Status.CANCELLED


def test_the_bookings_page_offers_change_and_the_change_page_is_a_few_queries(
    client_for, member, group, room, projector, laptops, django_assert_max_num_queries
):
    day = open_day()
    booking = book(member, group, room, day, equipment={projector: 1, laptops: 2})
    client = client_for("member")
    page = client.get(reverse("facilities:bookings")).content.decode()
    assert change_url(booking) in page
    with django_assert_max_num_queries(13):
        response = client.get(change_url(booking))
    assert response.status_code == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_racing_a_new_booking_for_the_same_time_one_wins_and_the_loser_is_intact(
    room,
):
    """Real threads, real PostgreSQL connections: a member moves the group's booking to 14:00
    while another group books 14:00 at the same moment. Exactly one wins; when the change loses,
    its old booking is exactly as it was."""
    (changer, changing_group), (booker, booking_group) = members_of_groups(2)
    outcomes = []
    day = open_day() - dt.timedelta(days=1)
    for _round in range(4):
        # A fresh day each round: open_day(after=3 + n) gives the same Monday twice when the
        # days in between are a Sunday or a holiday.
        day = open_day(after=(day - timezone.localdate()).days + 1)
        original = book(changer, changing_group, room, day)

        def change(original=original, day=day):
            return booking_change(
                actor=changer, booking=original, start=at(day, "14:00"), end=at(day, "16:00")
            )

        def new(day=day):
            return book(booker, booking_group, room, day, "14:30", "16:30")

        successes, errors = run_in_parallel([change, new])
        assert len(successes) == 1 and len(errors) == 1
        original.refresh_from_db()
        held = Booking.objects.live().filter(room=room, start__gte=at(day, "13:00"))
        assert held.count() == 1
        if held.get().pk == original.pk:  # the change won
            outcomes.append("change")
            assert original.start == at(day, "14:00")
        else:  # the new booking won: the old booking is untouched
            outcomes.append("new")
            assert (original.start, original.end) == (at(day, "10:00"), at(day, "12:00"))
            assert original.status == Booking.Status.CONFIRMED
    assert len(outcomes) == 4


def test_staff_find_and_approve_a_change_in_the_admin_and_the_group_is_told(
    client_for, member, staff_admin, group, room, django_capture_on_commit_callbacks
):
    day = open_day()
    booking = book(member, group, room, day)
    room.requires_approval = True
    room.save()
    response = confirmed(
        client_for("member"), booking, change_data(booking, start_time="15:00", end_time="17:00")
    )
    assert response.status_code == 302
    change = Booking.objects.get(replaces=booking)
    client = client_for("staff_admin")
    listing = client.get(reverse("admin:facilities_booking_changelist") + "?change=pending")
    assert listing.status_code == 200
    assert reverse("admin:facilities_booking_change", args=[change.pk]) in listing.content.decode()
    assert (
        reverse("admin:facilities_booking_change", args=[booking.pk])
        not in listing.content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_approve(actor=staff_admin, booking=change)
    assert "元の予約に代わります" in mail.outbox[-1].body
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
