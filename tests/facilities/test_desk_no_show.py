"""The desk (issue #14 part 2): a no-show, which counts towards suspending a group, asks for
confirmation first (a page of its own, no JavaScript needed) and can be undone on the day it was
recorded, not after; every desk action returns to the row it came from with its message in
that row."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.fiscal import TOKYO
from core.models import AuditLog
from facilities.models import Booking, FacilitySettings, NoShowSuspension
from tests.facilities.factories import at, make_booking

# A Wednesday morning at the desk; the booking was the evening before.
NOW = dt.datetime(2026, 12, 9, 10, 0, tzinfo=TOKYO)
YESTERDAY = dt.date(2026, 12, 8)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ja")]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booking(clock, room, group):
    return make_booking(room, at(YESTERDAY, "18:00"), at(YESTERDAY, "20:00"), group=group)


def _row(html: str, row_id: str) -> str:
    """The HTML of one desk row (a <tr id=...>)."""
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)


def _desk(client, day=YESTERDAY):
    return client.get(reverse("facilities:desk") + f"?date={day.isoformat()}").content.decode()


def test_the_no_show_button_asks_first_and_says_what_it_means(client_for, booking, group):
    client = client_for("staff")
    row = _row(_desk(client), f"booking-{booking.pk}")
    url = reverse("facilities:desk_no_show", kwargs={"pk": booking.pk})
    assert f'href="{url}"' in row  # a link to the confirmation, not a one-click form

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert group.name in html and "18:00" in html
    limit = FacilitySettings.load().no_show_limit
    assert f"{limit}回でオンライン予約が停止されます" in html
    assert 'name="confirm"' in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # looking records nothing

    # A POST without the confirmation (an old form, a crafted post) still only asks.
    assert client.post(url).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?date={YESTERDAY.isoformat()}#booking-{booking.pk}")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_a_no_show_is_undone_the_same_day_with_its_message_in_the_row(client_for, booking):
    client = client_for("staff")
    client.post(reverse("facilities:desk_no_show", args=[booking.pk]), {"confirm": "1"})
    html = _desk(client)
    row = _row(html, f"booking-{booking.pk}")
    undo = reverse("facilities:desk_no_show_undo", args=[booking.pk])
    assert undo in row
    assert "無断不使用として記録しました" in row  # the message sits in the row it is about
    assert '<div class="messages"' not in html  # not at the top of the page

    response = client.post(undo)
    assert response["Location"].endswith(f"#booking-{booking.pk}")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    row_audit = AuditLog.objects.get(action="facilities.booking_no_show_undo")
    assert row_audit.target_id == str(booking.pk)
    assert "取り消しました" in _row(_desk(client), f"booking-{booking.pk}")

    # A second undo: says so, changes nothing.
    client.post(undo)
    assert "取り消すものはありません" in _row(_desk(client), f"booking-{booking.pk}")
    assert AuditLog.objects.filter(action="facilities.booking_no_show_undo").count() == 1


def test_a_no_show_stands_after_the_day_it_was_recorded(client_for, booking, clock):
    client = client_for("staff")
    client.post(reverse("facilities:desk_no_show", args=[booking.pk]), {"confirm": "1"})
    clock.move_to(NOW + dt.timedelta(days=1))
    row = _row(_desk(client), f"booking-{booking.pk}")
    assert reverse("facilities:desk_no_show_undo", args=[booking.pk]) not in row
    client.post(reverse("facilities:desk_no_show_undo", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    assert "記録した当日" in _row(_desk(client), f"booking-{booking.pk}")
    assert not AuditLog.objects.filter(action="facilities.booking_no_show_undo").exists()


def test_undoing_the_no_show_that_suspended_a_group_lifts_that_suspension(
    client_for, booking, group
):
    rules = FacilitySettings.load()
    rules.no_show_limit = 1
    rules.save()
    client = client_for("staff")
    client.post(reverse("facilities:desk_no_show", args=[booking.pk]), {"confirm": "1"})
    suspension = NoShowSuspension.objects.get(group=group)
    assert suspension.lifted_at is None
    client.post(reverse("facilities:desk_no_show_undo", args=[booking.pk]))
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None


def test_recording_use_returns_to_the_row_with_its_message(client_for, booking, group):
    client = client_for("staff")
    response = client.post(
        reverse("facilities:desk_record", kwargs={"pk": booking.pk}),
        {f"b{booking.pk}-headcount": 9},
    )
    assert response["Location"].endswith(f"#booking-{booking.pk}")
    html = _desk(client)
    assert "9" in _row(html, f"booking-{booking.pk}")
    assert '<div class="messages"' not in html


def test_walk_ins_return_to_their_counter(client_for, clock):
    response = client_for("staff").post(reverse("facilities:desk_walk_in"), {"delta": 1})
    assert response["Location"].endswith("#walk-ins")


def test_the_desk_answers_in_a_fixed_number_of_queries(
    client_for, clock, room, group, django_assert_max_num_queries
):
    for hour in (9, 11, 13, 15, 17):
        make_booking(room, at(YESTERDAY, f"{hour}:00"), at(YESTERDAY, f"{hour}:30"), group=group)
    client = client_for("staff")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("facilities:desk") + f"?date={YESTERDAY}").status_code == 200
    assert timezone.localdate() == NOW.date()


def test_the_no_show_confirmation_answers_in_a_fixed_number_of_queries(
    client_for, booking, django_assert_max_num_queries
):
    client = client_for("staff")
    url = reverse("facilities:desk_no_show", args=[booking.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
