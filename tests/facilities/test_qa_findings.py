"""The QA review at 390 px (findings 1–7): what someone who cannot book is told, the rooms
index's wording and links, a room's booking periods, where tidy-up time shows, and キャンセル as
the member's word."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from facilities.models import Room, TimeBlock
from tests.facilities.factories import RoomFactory, at, make_booking, open_day

pytestmark = pytest.mark.django_db

APPLY = reverse("groups:apply")
DIRECTORY = reverse("groups:directory")
INVITATION = "あなたはまだどの登録団体のメンバーでもありません"


def room_page(client, room, day=None):
    url = reverse("facilities:room", kwargs={"slug": room.slug})
    return client.get(url + (f"?day={day.isoformat()}" if day else "")).content.decode()


# --- 1. someone who cannot book is told why, and the way forward -------------------------------


def test_a_signed_in_person_without_a_group_is_told_how_to_join_or_register_one(client_for, room):
    page = room_page(client_for("citizen"), room)
    assert INVITATION in page
    assert "団体の管理者にメンバーへの追加を頼んでください" in page
    assert f'href="{APPLY}"' in page and f'href="{DIRECTORY}"' in page


def test_an_anonymous_visitor_gets_log_in_and_sign_up_links(client, room):
    page = room_page(client, room)
    path = reverse("facilities:room", kwargs={"slug": room.slug})
    assert f'href="{reverse("account_login")}?next={path}"' in page
    assert f'href="{reverse("account_signup")}?next={path}"' in page
    assert INVITATION not in page


def test_a_member_of_a_registered_group_is_not_told_to_join_one(client_for, room):
    page = room_page(client_for("member"), room)
    assert INVITATION not in page and 'id="how-to-book"' not in page


def test_a_room_booked_through_the_office_only_invites_nobody(client, client_for, room):
    room.online_booking = False
    room.save()
    assert 'id="how-to-book"' not in room_page(client, room)
    assert 'id="how-to-book"' not in room_page(client_for("citizen"), room)


def test_opening_the_booking_form_without_a_group_says_why_on_the_403_page(client_for, room):
    response = client_for("citizen").get(reverse("facilities:book", kwargs={"slug": room.slug}))
    assert response.status_code == 403
    page = response.content.decode()
    assert INVITATION in page
    assert "まず団体の登録を申請してください" in page


def test_the_booking_form_of_an_office_only_room_says_so_on_the_403_page(client_for, room):
    room.online_booking = False
    room.save()
    response = client_for("member").get(reverse("facilities:book", kwargs={"slug": room.slug}))
    assert response.status_code == 403
    assert _("This room is booked through the office only (phone or desk).") in (
        response.content.decode()
    )


def test_the_bookings_page_without_a_group_explains_instead_of_three_empty_lists(client_for):
    page = client_for("citizen").get(reverse("facilities:bookings")).content.decode()
    assert INVITATION in page and f'href="{APPLY}"' in page
    assert "今後の予約はありません。" not in page
    assert "<h2>今後の予約</h2>" not in page


def test_the_bookings_page_of_a_member_still_lists(client_for):
    page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert INVITATION not in page
    assert "<h2>今後の予約</h2>" in page


def test_my_page_does_not_send_someone_without_a_group_to_an_empty_bookings_page(client_for):
    page = client_for("citizen").get(reverse("my_account")).content.decode()
    assert INVITATION in page
    assert "所属団体の予約一覧" not in page


def test_my_page_still_links_a_member_to_the_bookings_page(client_for):
    page = client_for("member").get(reverse("my_account")).content.decode()
    assert INVITATION not in page
    assert "所属団体の予約一覧" in page


# --- 2. the rooms index ----------------------------------------------------------------------


def test_the_index_promises_no_week_and_hides_the_door_display_from_the_public(client, room):
    page = client.get(reverse("facilities:index")).content.decode()
    assert "週の予定" not in page and "1週間" not in page
    assert "予定・予約" in page
    assert reverse("facilities:room_today", kwargs={"slug": room.slug}) not in page
    assert "入口表示" not in page


def test_staff_find_the_door_tablet_display_by_a_plain_name(client_for, room):
    page = client_for("staff").get(reverse("facilities:index")).content.decode()
    assert reverse("facilities:room_today", kwargs={"slug": room.slug}) in page
    assert "入口のタブレット用表示" in page
    room_page_html = room_page(client_for("staff"), room)
    assert "入口のタブレット用表示" in room_page_html
    assert "入口のタブレット用表示" not in room_page(client_for("member"), room)


# --- 3. a room's booking periods --------------------------------------------------------------


def test_booking_periods_are_listed_with_japanese_commas_each_kept_whole(client):
    hall = RoomFactory(slug="hall", mode=Room.Mode.BLOCKS, capacity=40)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="午後", starts=dt.time(13), ends=dt.time(17))
    page = room_page(client, hall)
    assert (
        '<span class="room-about__block">午前 9:00–12:00</span>、'
        '<span class="room-about__block">午後 13:00–17:00</span>'
    ) in page


# --- 5. tidy-up time is after a booking -------------------------------------------------------


def _day_list_rows(page: str) -> dict[str, str]:
    rows = re.findall(r'<span class="day-list__time">([^<]+)</span><span>([^<]+)', page)
    return {time: label.strip() for time, label in rows}


def test_tidy_up_time_shows_after_a_booking_not_before_it(client, room):
    room.buffer_minutes = 30
    room.save()
    day = open_day()
    make_booking(room, at(day, "13:00"), at(day, "14:00"))
    rows = _day_list_rows(room_page(client, room, day))
    assert rows["14:00–14:30"] == "片付け時間"
    # The half hour before it is free, but no booking fits there: it says so, not tidy-up.
    assert [time for time, label in rows.items() if label == "片付け時間"] == ["14:00–14:30"]
    assert rows["12:30–13:00"] == "予約前の間隔（予約不可）"


# --- 7. キャンセル, the member's word ---------------------------------------------------------


@pytest.mark.parametrize(
    "msgid",
    [
        "Booking cancelled: %(room)s, %(date)s",
        "The following booking has been cancelled.",
        "Take-out loan cancelled: %(first)s–%(last)s",
        "The following take-out loan has been cancelled.",
        "Cancel a take-out loan",
        "Cancel the loan",
        "Keep it",
    ],
)
def test_the_members_texts_say_kyanseru(msgid):
    with translation.override("ja"):
        text = _(msgid)
    assert "キャンセル" in text and "取り消" not in text
