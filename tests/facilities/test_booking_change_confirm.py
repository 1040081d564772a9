"""Changing a booking asks first (QA pass): the form leads to a confirmation page that shows the
booking before and after the change (day, time, room, equipment); only that page's POST
changes it, with every rule checked again; "back" returns to the form with what was typed."""

import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from core.models import AuditLog
from facilities.models import Booking
from facilities.services import booking_change, booking_create
from tests.facilities.factories import at, make_booking, open_day

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


def form_data(booking, **extra):
    """The change form as the member sends it: the booking as it is, with ``extra`` changed."""
    start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
    data = {
        "room": booking.room_id,
        "date": start.date().isoformat(),
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}",
        "attendees": booking.attendees,
        "purpose": booking.purpose,
    }
    for item in booking.equipment_items.all():
        data[f"equipment_{item.equipment_id}"] = item.quantity
    data.update(extra)
    return data


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the confirmation page carries the change in a signed token"
    return match.group(1)


def main_text(response) -> str:
    html = response.content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_change_is_shown_before_and_after_and_made_only_from_the_confirmation(
    client_for, member, group, room, other_room, projector
):
    day = open_day()
    later = open_day(after=(day - open_day(after=0)).days + 4)
    booking = book(member, group, room, day)
    client = client_for("member")
    response = client.post(
        change_url(booking),
        form_data(
            booking,
            room=other_room.pk,
            date=later.isoformat(),
            start_time="13:00",
            end_time="15:00",
            **{f"equipment_{projector.pk}": 1},
        ),
    )
    assert response.status_code == 200
    assert response.templates[0].name == "facilities/booking_change_confirm.html"
    text = main_text(response)
    assert "変更内容の確認" in text and "まだ変更されていません" in text
    # Each changed detail reads before → after.
    assert f"{dates.day(at(day, '10:00'))} → 変更後： {dates.day(at(later, '10:00'))}" in text
    assert "10:00–12:00 → 変更後： 13:00–15:00" in text
    assert "ミーティングスペースA → 変更後： 会議室" in text
    assert "なし → 変更後： プロジェクター ×1" in text
    assert "定例会 （変更なし）" in text
    # Nothing has changed yet.
    booking.refresh_from_db()
    assert (booking.room, booking.start) == (room, at(day, "10:00"))
    assert not booking.equipment_items.exists()
    assert not AuditLog.objects.filter(action="facilities.booking_change").exists()

    done = client.post(
        change_url(booking), {"token": token_of(response), "action": "change_confirmed"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("facilities:bookings")
    booking.refresh_from_db()
    assert (booking.room, booking.start, booking.end) == (
        other_room,
        at(later, "13:00"),
        at(later, "15:00"),
    )
    assert booking.equipment_items.get().equipment == projector
    assert AuditLog.objects.filter(action="facilities.booking_change").count() == 1


def test_back_returns_to_the_form_with_what_was_typed(client_for, member, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("member")
    confirm = client.post(
        change_url(booking), form_data(booking, start_time="15:00", end_time="17:00", attendees=9)
    )
    back = client.post(change_url(booking), {"token": token_of(confirm), "action": "back"})
    assert back.status_code == 200
    assert back.templates[0].name == "facilities/booking_change.html"
    page = back.content.decode()
    assert 'value="15:00"' in page and 'value="17:00"' in page and 'value="9"' in page
    assert 'id="error-summary"' not in page  # nothing was wrong
    booking.refresh_from_db()
    assert (booking.start, booking.attendees) == (at(day, "10:00"), 6)


def test_the_final_post_checks_the_rules_again_and_keeps_the_booking_if_it_lost(
    client_for, member, group, other_group, room
):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("member")
    confirm = client.post(
        change_url(booking), form_data(booking, start_time="15:00", end_time="17:00")
    )
    # Meanwhile another group takes 15:00.
    make_booking(room, at(day, "15:00"), at(day, "16:00"), group=other_group)
    response = client.post(
        change_url(booking), {"token": token_of(confirm), "action": "change_confirmed"}
    )
    assert response.status_code == 200
    text = main_text(response)
    assert "予約は変更されていません" in text
    assert 'value="15:00"' in response.content.decode()  # the form keeps what was typed
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(day, "10:00"), at(day, "12:00"))
    assert not AuditLog.objects.filter(action="facilities.booking_change").exists()


def test_a_booking_changed_meanwhile_is_not_overwritten(client_for, member, staff, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("member")
    confirm = client.post(
        change_url(booking), form_data(booking, start_time="15:00", end_time="17:00")
    )
    booking_change(actor=staff, booking=booking, attendees=10)  # the office, meanwhile
    response = client.post(
        change_url(booking), {"token": token_of(confirm), "action": "change_confirmed"}
    )
    assert response.status_code == 200
    assert "確認している間に" in main_text(response)
    assert 'value="15:00"' in response.content.decode()
    booking.refresh_from_db()
    assert (booking.start, booking.attendees) == (at(day, "10:00"), 10)


def test_a_token_of_another_booking_or_user_changes_nothing(
    client_for, member, representative, group, room
):
    day = open_day()
    booking = book(member, group, room, day)
    other = book(member, group, room, day, "14:00", "15:00")
    confirm = client_for("member").post(
        change_url(other), form_data(other, start_time="16:00", end_time="17:00")
    )
    token = token_of(confirm)
    # On another booking of the same member, and from another member of the group.
    for client, target in ((client_for("member"), booking), (client_for("representative"), other)):
        response = client.post(change_url(target), {"token": token, "action": "change_confirmed"})
        assert response.status_code == 302 and response["Location"] == change_url(target)
    forged = signing.dumps({"u": member.pk, "b": other.pk, "v": "x", "f": {}}, salt="other")
    response = client_for("member").post(
        change_url(other), {"token": forged, "action": "change_confirmed"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    booking.refresh_from_db()
    assert other.start == at(day, "14:00") and booking.start == at(day, "10:00")


def test_a_change_that_changes_nothing_stays_on_the_form(client_for, member, group, room):
    day = open_day()
    booking = book(member, group, room, day)
    response = client_for("member").post(change_url(booking), form_data(booking))
    assert response.templates[0].name == "facilities/booking_change.html"
    assert "何も変更していません" in main_text(response)
    assert "予約は変更されていません" in main_text(response)


def test_a_change_needing_approval_says_so_before_it_is_sent(
    client_for, member, group, room, django_capture_on_commit_callbacks
):
    day = open_day()
    booking = book(member, group, room, day)
    room.requires_approval = True
    room.save()
    client = client_for("member")
    confirm = client.post(
        change_url(booking), form_data(booking, start_time="15:00", end_time="17:00")
    )
    text = main_text(confirm)
    assert "オフィスの承認が必要です" in text and "予約は変更前のままです" in text
    assert "変更を申請する" in text
    assert not Booking.objects.filter(replaces=booking).exists()
    client.post(change_url(booking), {"token": token_of(confirm), "action": "change_confirmed"})
    request_ = Booking.objects.get(replaces=booking)
    assert request_.status == Booking.Status.REQUESTED and request_.start == at(day, "15:00")


def test_staff_change_any_booking_through_the_same_confirmation(
    client_for, member, staff, group, room
):
    day = open_day()
    booking = book(member, group, room, day)
    client = client_for("staff")
    confirm = client.post(
        change_url(booking), form_data(booking, start_time="13:00", end_time="14:00")
    )
    assert "10:00–12:00 → 変更後： 13:00–14:00" in main_text(confirm)
    response = client.post(
        change_url(booking), {"token": token_of(confirm), "action": "change_confirmed"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == at(day, "13:00")


def test_the_confirmation_and_the_change_take_a_fixed_few_queries(
    client_for, member, group, room, projector, laptops, django_assert_max_num_queries
):
    day = open_day()
    booking = book(member, group, room, day, equipment={projector: 1, laptops: 2})
    client = client_for("member")
    data = form_data(booking, start_time="13:00", end_time="15:00")
    client.get(change_url(booking))
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        confirm = client.post(change_url(booking), data)
    with django_assert_max_num_queries(CHANGE_QUERIES):
        response = client.post(
            change_url(booking), {"token": token_of(confirm), "action": "change_confirmed"}
        )
    assert response.status_code == 302


# The confirmation (17 when pinned): the page's reads (session, user, roles, the booking, the
# membership, the rooms with their blocks, the equipment, the booking's equipment) and the dry
# run's (a pending change, the booking's equipment, the equipment asked for, the rules and the
# calendar, clashes and equipment in use in one statement).
CONFIRM_QUERIES = 17
# The change (28 when pinned): the form's reads again, then the locks, the rules again under
# them and the writes (the booking, its equipment, the audit row, the mail job).
CHANGE_QUERIES = 28
