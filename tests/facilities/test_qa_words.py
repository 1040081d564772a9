"""Figures and lists written as the pages write them (QA pass).

A booking's and a loan's mails give the expected attendees with their unit (「6名」, not a bare
「6」) and join the equipment by the language's list separator (「プロジェクター ×1、ノートPC ×2」,
not ', ' in Japanese); the change page lists a block room's blocks as 「9:00–12:00、13:00–17:00」
(no ', ', no 09:00).
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from facilities.models import Booking, Room
from facilities.services import booking_create, booking_record_usage, loan_create
from tests.facilities.factories import (
    EquipmentFactory,
    RoomFactory,
    at,
    is_open_day,
    make_booking,
    open_day,
    past_open_day,
    series_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def japanese():
    with translation.override("ja"):
        yield


def test_a_booking_mail_gives_the_attendees_unit_and_joins_the_equipment_in_japanese(
    member, group, room, projector, laptops, django_capture_on_commit_callbacks
):
    day = open_day()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(
            actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
            purpose="定例会", attendees=6, equipment={projector: 1, laptops: 2},
        )  # fmt: skip
    body = mail.outbox[-1].body
    assert "利用予定人数： 6名" in body
    assert "プロジェクター ×1、ノートPC ×2" in body
    assert "×1, " not in body


def test_a_loan_mail_joins_the_equipment_in_japanese(
    member, group, django_capture_on_commit_callbacks
):
    pa_set = EquipmentFactory(name="ポータブルPAセット", quantity=2, may_leave_building=True)
    megaphone = EquipmentFactory(name="拡声器", quantity=2, may_leave_building=True)
    pickup = open_day(after=5)
    back = pickup + dt.timedelta(days=1)
    while not is_open_day(back):
        back += dt.timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        loan_create(
            actor=member, group=group, pickup_date=pickup, return_date=back,
            purpose="夏祭り", equipment={pa_set: 1, megaphone: 1},
        )  # fmt: skip
    body = mail.outbox[-1].body
    assert "ポータブルPAセット ×1、拡声器 ×1" in body


def test_the_change_page_lists_a_block_rooms_blocks_in_japanese(client_for, member, group, room):
    hall = RoomFactory(name="会議室", slug="hall", mode=Room.Mode.BLOCKS, capacity=30)
    hall.blocks.create(label="午前", starts=dt.time(9), ends=dt.time(12))
    hall.blocks.create(label="午後", starts=dt.time(13), ends=dt.time(17))
    day = open_day()
    booking = booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=6,
    )  # fmt: skip
    page = client_for("member").get(reverse("facilities:booking_change", kwargs={"pk": booking.pk}))
    text = page.content.decode()
    assert "会議室：30人まで、時間枠 9:00–12:00、13:00–17:00。" in text


def test_a_recurring_request_for_a_room_needing_approval_is_not_called_booked(client_for, group):
    hall = RoomFactory(name="会議室", slug="hall", capacity=30, requires_approval=True)
    client = client_for("member")
    day = series_start(weeks=2)
    data = {
        "group": group.pk, "date": day.isoformat(), "start_time": "10:00", "end_time": "12:00",
        "purpose": "連続講座", "attendees": 8, "repeat": "weekly", "repeat_count": 2,
    }  # fmt: skip
    url = reverse("facilities:book", kwargs={"slug": hall.slug})
    preview = client.post(url, {**data, "action": "check"}).context["preview"]
    response = client.post(
        url, {**data, "action": "confirm", "dates": [o.key for o in preview]}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["2日分の予約を申請しました。スタッフが確認し、メールでお知らせします。"]
    assert set(Booking.objects.filter(room=hall).values_list("status", flat=True)) == {
        Booking.Status.REQUESTED
    }


def test_the_bookings_pages_room_shortcuts_are_44_px_targets(client_for, group, room):
    page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert '<p class="room-shortcuts">' in page
    css = (settings.BASE_DIR / "facilities/static/facilities/facilities.css").read_text()
    assert (
        ".room-shortcuts a { display: inline-flex; align-items: center; min-height: 44px; }" in css
    )


def test_the_desk_writes_a_used_bookings_headcount_with_a_japanese_colon(
    client_for, staff, group, room
):
    day = past_open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    booking_record_usage(actor=staff, booking=booking, headcount=7)
    page = client_for("staff").get(reverse("facilities:desk"), {"date": day.isoformat()})
    text = page.content.decode()
    assert "利用済み：7名" in text and "利用済み: " not in text


def test_the_no_show_question_lists_the_booking_as_every_other_page_does(client_for, group, room):
    day = past_open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    url = reverse("facilities:desk_no_show", kwargs={"pk": booking.pk})
    page = client_for("staff").get(url).content.decode()
    assert '<dl class="facts">' in page


def test_staff_booking_for_a_group_that_phoned_land_where_they_see_the_booking(
    client_for, group, room
):
    day = open_day()
    data = {
        "group": group.pk, "date": day.isoformat(), "start_time": "10:00", "end_time": "12:00",
        "purpose": "電話での予約", "attendees": 5, "repeat": "none", "kind": "group",
    }  # fmt: skip
    client = client_for("staff")
    url = reverse("facilities:book", kwargs={"slug": room.slug})
    confirm = client.post(url, {**data, "action": "check"})
    token = re.search(r'name="token" value="([^"]+)"', confirm.content.decode()).group(1)
    response = client.post(url, {"token": token, "action": "book_confirmed"})
    assert Booking.objects.filter(group=group, room=room).exists()
    assert response["Location"] == f"{room.get_absolute_url()}?week={day.isoformat()}"


def test_staff_change_a_groups_booking_from_the_desk_and_return_to_it(
    client_for, member, group, room
):
    day = open_day()
    booking = booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=6,
    )  # fmt: skip
    client = client_for("staff")
    desk = client.get(reverse("facilities:desk"), {"date": day.isoformat()}).content.decode()
    change_url = reverse("facilities:booking_change", kwargs={"pk": booking.pk})
    assert f'href="{change_url}">変更' in desk
    data = {
        "room": room.pk, "date": day.isoformat(), "start_time": "13:00", "end_time": "15:00",
        "attendees": 6, "purpose": "定例会",
    }  # fmt: skip
    confirm = client.post(change_url, data)
    token = re.search(r'name="token" value="([^"]+)"', confirm.content.decode()).group(1)
    response = client.post(change_url, {"token": token, "action": "change_confirmed"})
    booking.refresh_from_db()
    assert booking.start == at(day, "13:00")
    assert response["Location"].startswith(f"{reverse('facilities:desk')}?date={day.isoformat()}")
