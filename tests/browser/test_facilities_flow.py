"""Booking a room in a browser: from the week grid to a confirmed booking, and the clash
message when someone else took the slot while the form was open."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from facilities.models import Booking, FacilitySettings, OpeningHours
from tests.browser import support
from tests.facilities.factories import RoomFactory, open_day

pytestmark = pytest.mark.browser


@pytest.fixture
def room(transactional_db):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    return RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)


def book_first_free_slot(page, room, day):
    page.goto(reverse("facilities:room", kwargs={"slug": room.slug}) + f"?week={day}")
    table = page.get_by_role("table").first
    assert table.locator("caption").count() == 1
    table.locator("td.slot--free a").first.click()
    page.wait_for_url(re.compile(r"/book/"))
    form_url = page.url
    page.get_by_label(re.compile("利用目的|目的")).fill("定例会議")
    page.get_by_label(re.compile("人数")).fill("8")
    return form_url


def submit(page):
    """Send the form; when it leads to the confirmation page, book there."""
    page.locator("main form[method=post] button[value=check]").click()
    page.wait_for_load_state()
    confirm = page.locator("main form[method=post] button[value=book_confirmed]")
    if confirm.count():
        confirm.click()
        page.wait_for_load_state()


def test_a_member_books_from_the_week_grid_and_a_late_second_booker_gets_the_clash_message(
    page, sign_in, member, other_member, room, live_url
):
    day = open_day(after=8)
    sign_in(member)
    form_url = book_first_free_slot(page, room, day.isoformat())

    # Someone from another group opens the same free slot before the first person sends.
    other_context = support.new_context(page.context.browser, live_url)
    support.sign_in(other_context, live_url, other_member)
    other = other_context.new_page()
    other.goto(form_url)
    other.get_by_label(re.compile("利用目的|目的")).fill("打ち合わせ")
    other.get_by_label(re.compile("人数")).fill("4")

    submit(page)
    assert "予約" in page.get_by_role("status").inner_text()
    booking = Booking.objects.get(room=room)
    assert booking.group_id == member.memberships.get().group_id
    assert booking.status in (Booking.Status.CONFIRMED, Booking.Status.REQUESTED)

    # The second person sends too late: a clear message, the form kept, nothing saved.
    submit(other)
    text = other.locator("main").inner_text()
    assert f"{room.name}は" in text and "すでに予約" in text, text[:800]
    assert Booking.objects.filter(room=room).count() == 1
    assert other.get_by_label(re.compile("利用目的|目的")).input_value() == "打ち合わせ"
    other_context.close()

    # The member's booking shows on their list of bookings.
    page.goto(reverse("facilities:bookings"))
    assert (
        "定例会議" in page.locator("main").inner_text()
        or room.name in page.locator("main").inner_text()
    )
