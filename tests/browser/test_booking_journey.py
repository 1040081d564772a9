"""A group secretary's whole errand on a 390×844 phone (issue #16 parts 3 and 4): book a room
with a projector → check the booking on the confirmation page → see it on My group's bookings →
change its time → cancel it. At every step the page fits the phone (no sideways scrolling, tap
targets of 44×44) and the confirmation and change pages pass axe."""

import datetime as dt
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from facilities.models import Booking, FacilitySettings, OpeningHours
from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS, describe
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, open_day

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "booking-journey"


@pytest.fixture
def room(transactional_db):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    return RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)


def fits(page, where: str, *, axe: bool = False, shot: str | None = None) -> None:
    problems = []
    for size in (DESK, PHONE):  # end on the phone
        page.set_viewport_size(size)
        problems += layout.problems_of(layout.measure(page), where=f"{where} at {size['width']}")
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{shot}-{size['width']}.png"), full_page=True)
    if axe:
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            problems.append(f"{where}: axe\n{describe(violations)}")
    assert not problems, "\n".join(problems)


def test_book_with_equipment_confirm_see_it_change_its_time_and_cancel_on_a_phone(
    page, sign_in, member, group, room
):
    projector = EquipmentFactory(name="プロジェクター", quantity=2)
    day = open_day(after=8)
    page.set_viewport_size(PHONE)
    sign_in(member)

    # Book from the room's form, prefilled from a free slot's link.
    start = f"{day.isoformat()}T10:00"
    end = f"{day.isoformat()}T12:00"
    page.goto(reverse("facilities:book", kwargs={"slug": room.slug}) + f"?start={start}&end={end}")
    page.get_by_label(re.compile("利用目的")).fill("定例会議")
    page.get_by_label(re.compile("人数")).fill("8")
    page.get_by_label("プロジェクター").fill("1")
    fits(page, "booking form", shot="1-form")
    page.get_by_role("button", name=re.compile("予約内容の確認")).click()

    # The confirmation page: the room, the time, the projector and the cancellation deadline.
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "予約内容の確認" in main and "まだ予約されていません" in main
    assert room.name in main and "10:00–12:00" in main and "プロジェクター ×1" in main
    assert "キャンセル期限" in main
    assert not Booking.objects.exists()
    fits(page, "confirmation page", axe=True, shot="2-confirm")
    page.get_by_role("button", name="この内容で予約する").click()

    # On My group's bookings, as a card on the phone.
    page.wait_for_url(re.compile(r"/facilities/bookings/"))
    assert "予約しました" in page.get_by_role("status").first.inner_text()
    booking = Booking.objects.get()
    assert booking.equipment_items.get().equipment == projector
    assert "定例会議" in page.locator("main").inner_text()
    fits(page, "bookings", shot="3-bookings")

    # Change its time: 10:00–12:00 → 13:00–15:00, confirmed on a page of its own.
    page.get_by_role("link", name=re.compile("^変更")).first.click()
    page.wait_for_url(re.compile(r"/change/"))
    fits(page, "change page", axe=True, shot="4-change")
    page.get_by_label("開始時刻").fill("13:00")
    page.get_by_label("終了時刻").fill("15:00")
    page.get_by_role("button", name="次へ：変更内容の確認").click()

    # The change's confirmation: each changed detail before → after; nothing changed yet.
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "変更内容の確認" in main and "まだ変更されていません" in main
    assert re.search(r"10:00–12:00 →\s+変更後：\s+13:00–15:00", main)
    booking.refresh_from_db()
    assert booking.start == at(day, "10:00")
    fits(page, "change confirmation page", axe=True, shot="4b-change-confirm")
    page.get_by_role("button", name="この内容で変更する").click()
    page.wait_for_url(re.compile(r"/facilities/bookings/"))
    assert "変更しました" in page.get_by_role("status").first.inner_text()
    booking.refresh_from_db()
    assert (booking.start, booking.end) == (at(day, "13:00"), at(day, "15:00"))
    assert booking.equipment_items.get().quantity == 1

    # Cancel it.
    page.get_by_role("link", name=re.compile("^キャンセル")).first.click()
    page.wait_for_url(re.compile(r"/cancel/"))
    fits(page, "cancel page")
    page.get_by_role("button", name=re.compile("予約をキャンセルする")).click()
    page.wait_for_url(re.compile(r"/facilities/bookings/"))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_every_problem_shows_at_once_on_a_phone_with_links_to_the_fields(
    page, sign_in, member, group, room
):
    EquipmentFactory(name="プロジェクター", quantity=2)
    day = open_day(after=8)
    page.set_viewport_size(PHONE)
    sign_in(member)
    page.goto(
        reverse("facilities:book", kwargs={"slug": room.slug})
        + f"?start={day.isoformat()}T10:00&end={day.isoformat()}T12:00"
    )
    page.get_by_label(re.compile("人数")).fill("30")
    page.get_by_label("プロジェクター").fill("3")
    page.get_by_role("button", name=re.compile("予約内容の確認")).click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    text = summary.inner_text()
    assert "プロジェクターは2台までです" in text
    assert "定員は12人です" in text and "利用目的を入力してください" in text
    fits(page, "booking form with errors", axe=True, shot="5-errors")
    summary.get_by_role("link", name=re.compile("定員")).click()
    assert page.evaluate("document.activeElement.id") in ("id_attendees", "")
    assert page.url.endswith("#id_attendees")
