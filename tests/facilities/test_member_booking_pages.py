"""The member's booking pages as a volunteer on a phone reads them (QA review): the bookings
page, My Page's bookings, the change page of a repeating booking, the desk's loan buttons and
the equipment table."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, BookingSeries, EquipmentLoan, EquipmentLoanItem
from facilities.selectors import account_panel
from tests.facilities.factories import EquipmentFactory, at, make_booking, open_day

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, heading: str) -> str:
    """From the ``<h2>`` saying ``heading`` to the next ``<h2>``."""
    start = html.index(heading)
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


def test_a_cancelled_booking_leaves_the_upcoming_list(client_for, member, group, room):
    day = open_day(5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="理事会")
    make_booking(
        room, at(day, "13:00"), at(day, "15:00"), group=group, purpose="取りやめた会議",
        status=Booking.Status.CANCELLED,
    )  # fmt: skip
    html = client_for("member").get(reverse("facilities:bookings")).content.decode()
    upcoming = section(html, "今後の予約")
    assert "理事会" in upcoming
    assert "取りやめた会議" not in upcoming
    assert "取消" not in html


def test_the_past_list_says_cancelled_in_the_members_words(client_for, member, group, room):
    day = timezone.localdate() - dt.timedelta(days=3)
    make_booking(
        room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="取りやめた会議",
        status=Booking.Status.CANCELLED,
    )  # fmt: skip
    html = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert "キャンセル済み" in section(html, "所属団体の過去の予約")


def test_loans_and_calendar_feeds_come_before_the_past_bookings(client_for, member, group, room):
    day = timezone.localdate() - dt.timedelta(days=3)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    html = client_for("member").get(reverse("facilities:bookings")).content.decode()
    upcoming, loans = html.index("今後の予約"), html.index("機材の持ち出し貸出")
    feeds, past = html.index("カレンダー配信"), html.index("所属団体の過去の予約")
    assert upcoming < loans < feeds < past


def test_booking_cards_do_not_repeat_the_action_and_give_the_unit(client_for, member, group, room):
    day = open_day(5)
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    past_day = timezone.localdate() - dt.timedelta(days=3)
    make_booking(
        room, at(past_day, "10:00"), at(past_day, "12:00"), group=group,
        status=Booking.Status.USED, actual_headcount=3,
    )  # fmt: skip
    html = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert 'data-label="変更・キャンセル"' not in html
    assert "3名" in section(html, "所属団体の過去の予約")


def test_my_page_leads_to_the_change_page_of_a_booking_the_member_may_change(
    member, group, room, django_assert_max_num_queries
):
    day = open_day(5)
    mine = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    # Held by the office for the group's event: the member cannot change it.
    held = make_booking(
        room, at(day, "13:00"), at(day, "15:00"), group=group, kind=Booking.Kind.EVENT
    )
    # The bookings and whether the user may book: knowing who may change adds no query.
    with django_assert_max_num_queries(2):
        panel = account_panel(member)
    by_pk = {b.pk: b for b in panel["bookings"]}
    assert by_pk[mine.pk].can_change and not by_pk[held.pk].can_change


def test_my_page_links_each_booking_to_what_can_be_done_with_it(client_for, member, group, room):
    day = open_day(5)
    mine = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    held = make_booking(
        room, at(day, "13:00"), at(day, "15:00"), group=group, kind=Booking.Kind.EVENT
    )
    html = client_for("member").get(reverse("my_account")).content.decode()
    panel = html[html.index('id="panel-bookings"') :]
    assert reverse("facilities:booking_change", kwargs={"pk": mine.pk}) in panel
    assert reverse("facilities:booking_change", kwargs={"pk": held.pk}) not in panel
    assert f"{room.get_absolute_url()}?week={day.isoformat()}" in panel


def test_the_change_page_of_a_repeating_booking_says_only_this_date_changes(
    client_for, member, group, room
):
    day = open_day(5)
    series = BookingSeries.objects.create(room=room, group=group, rule="weekly", count=2)
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, series=series)
    url = reverse("facilities:booking_change", kwargs={"pk": booking.pk})
    html = text_of(client_for("member").get(url).content.decode())
    assert "変わるのはこの日の予約だけで、ほかの日の予約はそのままです" in html
    single = make_booking(room, at(day, "13:00"), at(day, "15:00"), group=group)
    url = reverse("facilities:booking_change", kwargs={"pk": single.pk})
    assert "ほかの日の予約" not in client_for("member").get(url).content.decode()


def test_the_desk_loan_buttons_say_what_they_record(client_for, staff, group):
    pa_set = EquipmentFactory(name="ポータブルPAセット", quantity=2, may_leave_building=True)
    today = timezone.localdate()
    now = timezone.now()
    loan = EquipmentLoan.objects.create(
        group=group, purpose="今日受け取り", pickup_date=today, return_date=today + dt.timedelta(1),
        start=now, end=now + dt.timedelta(days=1), status="confirmed",
    )  # fmt: skip
    EquipmentLoanItem.objects.create(loan=loan, equipment=pa_set, quantity=1)
    html = client_for("staff").get(reverse("facilities:desk")).content.decode()
    buttons = text_of(" ".join(re.findall(r"<button[^>]*>.*?</button>", html, re.S)))
    assert "貸し出しを記録" in buttons
    assert "貸出中" not in buttons


def test_the_equipment_table_reads_as_label_and_value(client):
    EquipmentFactory(name="ポータブルPAセット", may_leave_building=True)
    EquipmentFactory(name="輪転機", may_leave_building=False)
    html = client.get(reverse("facilities:index")).content.decode()
    assert 'data-label="館外持ち出し">可<' in html
    assert 'data-label="館外持ち出し">館内のみ<' in html
    assert "持ち出し可" not in html
