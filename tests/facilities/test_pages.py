"""The facilities pages as people use them."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, ClosedDay, Room, TimeBlock
from facilities.selectors import account_panel, open_hours_by_room, today_overview
from tests.facilities.factories import RoomFactory, at, make_booking, open_day, past_open_day

pytestmark = pytest.mark.django_db


def week_url(room, day):
    return reverse("facilities:room", kwargs={"slug": room.slug}) + f"?week={day.isoformat()}"


def book_url(room, query=""):
    return reverse("facilities:book", kwargs={"slug": room.slug}) + query


# --- index and home ---------------------------------------------------------------------------


def test_the_index_lists_rooms_with_todays_state_and_equipment(client, room, projector):
    response = client.get(reverse("facilities:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert room.name in page and projector.name in page
    assert response.context["rooms"][0].status


def test_today_overview_gives_each_room_a_name_link_and_status(room, other_room, group):
    now = timezone.localtime()
    make_booking(room, now - dt.timedelta(minutes=30), now + dt.timedelta(minutes=30), group=group)
    overview = today_overview()
    assert [o.name for o in overview] == [room.name, other_room.name]
    assert overview[0].url == room.get_absolute_url()
    assert all(o.status for o in overview)
    if overview[0].closed_reason is None:
        assert overview[0].current is not None


# --- the week grid ------------------------------------------------------------------------------


def test_the_week_grid_links_free_slots_to_the_prefilled_form(client, room):
    day = open_day()
    response = client.get(week_url(room, day))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    expected = f"start={day.isoformat()}T10%3A00&amp;end={day.isoformat()}T10%3A30"
    assert expected in page


def test_a_free_slot_links_to_a_booking_of_the_shortest_allowed_length(client, room):
    room.min_minutes = 90
    room.save()
    day = open_day()
    page = client.get(week_url(room, day)).content.decode()
    assert f"start={day.isoformat()}T10%3A00&amp;end={day.isoformat()}T11%3A30" in page


def test_past_slots_are_merged_into_one_cell(client, room):
    page = client.get(week_url(room, dt.date.today() - dt.timedelta(days=14))).content.decode()
    assert page.count("過去") <= 7 + 1  # one cell per day (and the legend does not say it)


def test_anyone_sees_busy_but_only_the_group_and_staff_see_who(client_for, group, room):
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="秘密の相談")
    for role, sees in [
        ("anonymous", False),
        ("citizen", False),
        ("other_member", False),
        ("official", False),
        ("member", True),
        ("representative", True),
        ("staff", True),
    ]:
        page = client_for(role).get(week_url(room, day)).content.decode()
        assert "10:00–12:00" in page, role
        assert (group.name in page) is sees, role


def test_a_garbled_week_shows_this_week_with_a_message(client, room):
    response = client.get(week_url(room, dt.date.today()).split("?")[0] + "?week=2026-13-45")
    assert response.status_code == 200
    assert response.context["problem"]
    response = client.get(week_url(room, dt.date.today()).split("?")[0] + "?week=<script>")
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_closed_days_show_in_the_grid_with_their_reason(client, room):
    day = open_day()
    ClosedDay.objects.create(date=day, reason="館内整理日")
    page = client.get(week_url(room, day)).content.decode()
    assert "館内整理日" in page


def test_block_rooms_show_their_blocks(client):
    hall = RoomFactory(slug="hall", mode=Room.Mode.BLOCKS, capacity=40)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="午後", starts=dt.time(13), ends=dt.time(17))
    day = open_day()
    page = client.get(week_url(hall, day)).content.decode()
    assert f"start={day.isoformat()}T09%3A00&amp;end={day.isoformat()}T12%3A00" in page
    assert "午前" in page


def test_an_unknown_room_is_404(client):
    assert client.get(reverse("facilities:room", kwargs={"slug": "nowhere"})).status_code == 404


# --- the booking form -----------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_link(client_for, room):
    day = open_day()
    response = client_for("member").get(book_url(room, f"?start={day}T13:00&end={day}T15:30"))
    form = response.context["form"]
    assert form.initial["date"] == day
    assert form.initial["start_time"] == dt.time(13)
    assert form.initial["end_time"] == dt.time(15, 30)
    page = response.content.decode()
    assert 'value="13:00"' in page and 'value="15:30"' in page


@pytest.mark.parametrize(
    "query",
    ["?start=garbage", "?start=2026-02-30T10:00", "?start=2026-05-01T25:00&end=x", "?end=1"],
)
def test_a_garbled_link_gives_a_clear_message(client_for, room, query):
    response = client_for("member").get(book_url(room, query))
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages, query


def post_and_confirm(client, url, data):
    """Send the booking form, then book on the confirmation page (its signed token)."""
    response = client.post(url, data)
    if response.status_code != 200 or "token" not in response.content.decode():
        return response
    token = re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)
    return client.post(url, {"token": token, "action": "book_confirmed"})


def test_a_member_books_through_the_form(client_for, group, room, projector):
    day = open_day()
    response = post_and_confirm(
        client_for("member"),
        book_url(room),
        {
            "group": group.pk,
            "date": day.isoformat(),
            "start_time": "13:00",
            "end_time": "15:00",
            "purpose": "会報の編集会議",
            "attendees": 6,
            f"equipment_{projector.pk}": 1,
            "repeat": "none",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == at(day, "13:00")
    assert booking.equipment_items.get().equipment == projector


def test_a_rule_violation_shows_on_the_form(client_for, group, room):
    day = open_day()
    response = client_for("member").post(
        book_url(room),
        {
            "group": group.pk,
            "date": day.isoformat(),
            "start_time": "13:00",
            "end_time": "15:00",
            "purpose": "会議",
            "attendees": 50,
            "repeat": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]  # the room's capacity, beside the field
    assert not Booking.objects.exists()


def test_a_crafted_post_for_another_group_is_refused_and_changes_nothing(
    client_for, other_group, room
):
    day = open_day()
    response = client_for("member").post(
        book_url(room),
        {
            "group": other_group.pk,
            "date": day.isoformat(),
            "start_time": "13:00",
            "end_time": "15:00",
            "purpose": "なりすまし",
            "attendees": 6,
            "repeat": "none",
        },
    )
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_a_room_the_user_cannot_book_is_refused(client_for, group, room):
    room.online_booking = False
    room.save()
    client = client_for("member")
    assert client.get(book_url(room)).status_code == 403
    response = client.post(
        book_url(room),
        {"group": group.pk, "date": open_day().isoformat(), "start_time": "13:00",
         "end_time": "14:00", "purpose": "x", "attendees": 1, "repeat": "none"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_staff_block_a_room_for_maintenance_without_a_group(client_for, room):
    day = open_day()
    response = post_and_confirm(
        client_for("staff"),
        book_url(room),
        {"kind": "maintenance", "group": "", "date": day.isoformat(), "start_time": "9:00",
         "end_time": "12:00", "purpose": "空調点検", "attendees": 1, "repeat": "none"},
    )  # fmt: skip
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.kind == "maintenance" and booking.group is None


# --- the day view -------------------------------------------------------------------------------


def test_the_day_view_puts_rooms_side_by_side(client, room, other_room, group):
    day = open_day()
    make_booking(other_room, at(day, "10:00"), at(day, "12:00"), group=group)
    response = client.get(reverse("facilities:day", kwargs={"day": day.isoformat()}))
    page = response.content.decode()
    assert response.status_code == 200
    assert room.name in page and other_room.name in page
    assert 'rowspan="4"' in page  # 10:00–12:00 on the 30-minute rows


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "1999-01-01", "2026-1-1"])
def test_a_bad_day_is_404(client, bad):
    assert client.get(f"/facilities/day/{bad}/").status_code == 404


# --- my bookings and cancelling -----------------------------------------------------------------


def test_my_bookings_lists_the_groups_bookings_with_cancel(client_for, group, other_group, room):
    day = open_day()
    mine = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group, purpose="うちの会")
    make_booking(room, at(day, "13:00"), at(day, "14:00"), group=other_group, purpose="よその会")
    past = past_open_day()
    make_booking(room, at(past, "10:00"), at(past, "11:00"), group=group, purpose="先月の会")
    page = client_for("member").get(reverse("facilities:bookings")).content.decode()
    assert "うちの会" in page and "先月の会" in page
    assert "よその会" not in page
    assert reverse("facilities:booking_cancel", kwargs={"pk": mine.pk}) in page


def test_cancelling_from_the_page(client_for, group, room):
    day = open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    url = reverse("facilities:booking_cancel", kwargs={"pk": booking.pk})
    response = client_for("member").post(url, {"reason": "雨天のため"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_another_groups_member_cannot_cancel_by_crafted_post(client_for, group, room):
    day = open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    url = reverse("facilities:booking_cancel", kwargs={"pk": booking.pk})
    assert client_for("other_member").post(url, {"reason": ""}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_the_account_panel_shows_upcoming_bookings_with_links(member, group, room):
    day = open_day()
    make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    panel = account_panel(member)
    assert len(panel["bookings"]) == 1
    assert panel["bookings_url"] == reverse("facilities:bookings")


def test_my_account_renders_the_panel(client_for, group, room):
    day = open_day()
    booking = make_booking(room, at(day, "10:00"), at(day, "12:00"), group=group)
    page = client_for("member").get(reverse("my_account")).content.decode()
    # The member may change the booking: it leads to its change page (QA review).
    assert room.name in page
    assert reverse("facilities:booking_change", kwargs={"pk": booking.pk}) in page


# --- the door display -------------------------------------------------------------------------


def test_the_door_display_refreshes_itself_and_shows_no_private_data(client, group, room):
    now = timezone.localtime()
    make_booking(
        room, now + dt.timedelta(hours=1), now + dt.timedelta(hours=2), group=group,
        purpose="内緒の打ち合わせ",
    )  # fmt: skip
    url = reverse("facilities:room_today", kwargs={"slug": room.slug})
    response = client.get(url + "?refresh=1")  # the tablet at the door opens this address
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="60">' in page
    assert group.name not in page and "内緒" not in page
    assert "<script" not in page and 'style="' not in page
    # Opened anywhere else, it stays still and offers the self-refreshing version.
    still = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in still
    assert "?refresh=1" in still


# --- the desk ---------------------------------------------------------------------------------


def test_the_desk_records_a_headcount_in_one_click(client_for, group, room):
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    booking = make_booking(room, start, start + dt.timedelta(minutes=30), group=group, attendees=7)
    client = client_for("staff")
    desk = reverse("facilities:desk") + f"?date={timezone.localdate(start).isoformat()}"
    page = client.get(desk).content.decode()
    assert group.name in page
    assert 'value="7"' in page  # the expected number is prefilled: one click records it
    response = client.post(
        reverse("facilities:desk_record", kwargs={"pk": booking.pk}),
        {f"b{booking.pk}-headcount": 7, f"b{booking.pk}-printing_masters": 0,
         f"b{booking.pk}-printing_sheets": 0},
    )  # fmt: skip
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "used" and booking.actual_headcount == 7


def test_the_desk_records_a_no_show(client_for, group, room):
    day = past_open_day(1)
    booking = make_booking(room, at(day, "10:00"), at(day, "11:00"), group=group)
    url = reverse("facilities:desk_no_show", kwargs={"pk": booking.pk})
    assert client_for("staff").post(url).status_code == 200  # asks first
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    response = client_for("staff").post(url, {"confirm": "1"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "no_show"


def test_the_desk_walk_in_counter(client_for):
    client = client_for("staff")
    url = reverse("facilities:desk_walk_in")
    client.post(url, {"delta": 1})
    client.post(url, {"delta": 5})
    page = client.get(reverse("facilities:desk")).content.decode()
    assert re.search(r"counter__value[^>]*>6人<", page)  # the count with its unit
    client.post(url, {"count": 3})
    assert client.get(reverse("facilities:desk")).context["walk_ins"] == 3
    response = client.post(url, {"delta": "lots"})
    assert response.status_code == 302


def test_the_desk_approves_and_declines_requests(client_for, group, room):
    day = open_day()
    one = make_booking(room, at(day, "10:00"), at(day, "11:00"), group=group, status="requested")
    two = make_booking(room, at(day, "13:00"), at(day, "14:00"), group=group, status="requested")
    client = client_for("staff")
    client.post(reverse("facilities:desk_decide", kwargs={"pk": one.pk}), {"decision": "approve"})
    client.post(
        reverse("facilities:desk_decide", kwargs={"pk": two.pk}),
        {"decision": "reject", "reason": "定員超過"},
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == "confirmed"
    assert two.status == "rejected" and two.status_reason == "定員超過"


def test_a_garbled_desk_date_shows_today_with_a_message(client_for):
    response = client_for("staff").get(reverse("facilities:desk") + "?date=yesterday")
    assert response.status_code == 200
    assert response.context["problem"]


# --- the utilisation figures for the reports app ------------------------------------------------


def test_open_hours_by_room_subtracts_closed_days(room, other_room, rules):
    hall = RoomFactory(slug="hall", mode=Room.Mode.BLOCKS)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="夜間", starts=dt.time(18), ends=dt.time(22))
    # 2026-05-04..10: Mon 4, Tue 5, Wed 6 are holidays, Sun 10 is closed; 7, 8, 9 are open.
    ClosedDay.objects.create(date=dt.date(2026, 5, 8), room=other_room, reason="工事")
    hours = open_hours_by_room(dt.date(2026, 5, 4), dt.date(2026, 5, 10))
    assert hours[room.pk] == 3 * 12
    assert hours[other_room.pk] == 2 * 12
    assert hours[hall.pk] == 3 * (3 + 3)  # the evening block is cut at 21:00


def test_open_hours_for_a_whole_year_take_a_fixed_few_queries(
    room, other_room, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        hours = open_hours_by_room(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert 2500 < hours[room.pk] < 12 * 366
