"""Find a free room on a phone (issue #16 part 2): the search on the home page → the results →
one tap → the booking form, prefilled; the results page and a room's day fit a phone and a desk
and pass axe. Screenshots of both pages at 390 and 1366 px are left in test-results/."""

import datetime as dt
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from core import registry
from facilities.models import FacilitySettings, OpeningHours
from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS
from tests.facilities.factories import EquipmentFactory, RoomFactory, at, make_booking, open_day

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def office(transactional_db):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    registry.forget("home")
    rooms = [
        RoomFactory(name="作業室", slug="sagyoshitsu", capacity=6),
        RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12),
        RoomFactory(name="会議室", slug="kaigishitsu", capacity=30),
    ]
    projector = EquipmentFactory(name="プロジェクター", quantity=2)
    return rooms, projector


def check_layout_and_axe(page, where: str, shot: str) -> list[str]:
    problems = []
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        problems += layout.problems_of(layout.measure(page), where=f"{where} at {width} px")
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        problems += [f"{where} at {width} px: axe {v['id']}: {v['help']}" for v in violations]
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    return problems


def test_find_a_free_room_on_a_phone_and_book_it_prefilled(page, sign_in, member, group, office):
    rooms, _projector = office
    day = open_day(after=4)
    # The small room is taken; the meeting space is free.
    make_booking(rooms[0], at(day, "13:00"), at(day, "15:00"))
    sign_in(member)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    search = page.locator("form.free-search")
    search.get_by_label("日付").fill(day.isoformat())
    search.get_by_label("開始時刻").fill("13:00")
    search.get_by_label("終了時刻").fill("15:00")
    search.get_by_label("人数").fill("5")
    assert search.get_by_label("プロジェクター").count() == 0  # chosen on the next page
    search.get_by_role("button", name="空き状況を検索").click()
    page.wait_for_url(re.compile(r"/facilities/free/\?"))
    assert page.locator(".free-list > li").count() == 2
    # The results page's form keeps the search and offers the equipment.
    search = page.locator("form.free-search")
    assert search.get_by_label("開始時刻").input_value() == "13:00"
    search.get_by_label("プロジェクター").check()
    search.get_by_role("button", name="空き状況を検索").click()
    page.wait_for_url(re.compile(r"equipment="))

    results = page.locator(".free-list > li")
    assert results.count() == 2
    assert "ミーティングスペースA" in results.first.inner_text()
    assert "13:00–15:00" in results.first.inner_text()
    assert "作業室" in page.locator(".free-others").text_content()
    problems = check_layout_and_axe(page, "free-room results", "free-results")

    link = results.first.get_by_role("link", name=re.compile("ミーティングスペースAの予約"))
    box = link.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    link.click()
    page.wait_for_url(re.compile(r"/facilities/meeting-a/book/"))
    assert page.get_by_label("日付").input_value() == day.isoformat()
    assert page.get_by_label("開始時刻").input_value() == "13:00"
    assert page.get_by_label("終了時刻").input_value() == "15:00"
    assert page.get_by_label(re.compile("人数")).input_value() == "5"
    assert page.get_by_label("プロジェクター").input_value() == "1"
    assert not problems, "\n".join(problems)


def test_a_rooms_page_on_a_phone_is_one_day_as_a_list(page, office):
    rooms, _projector = office
    day = open_day(after=4)
    make_booking(rooms[1], at(day, "10:00"), at(day, "12:00"))
    url = reverse("facilities:room", kwargs={"slug": "meeting-a"}) + f"?day={day}"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert page.locator(".room-day").is_visible()
    assert not page.locator(".room-week").is_visible(), "no sideways grid on a phone"
    assert "10:00–12:00" in page.locator(".day-list").inner_text()
    # The next day, one tap away.
    page.get_by_role("link", name=re.compile("次の日")).click()
    page.wait_for_url(re.compile(rf"day={day + dt.timedelta(days=1)}"))
    page.get_by_role("link", name=re.compile("前の日")).click()
    page.wait_for_url(re.compile(rf"day={day}"))
    problems = check_layout_and_axe(page, "room day", "room-day")
    # At a desk's width the same page shows the week grid instead.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator(".room-week table").is_visible()
    assert not page.locator(".room-day").is_visible()
    # A free time on the phone list leads to the booking form (anonymous: via the login).
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".time-buttons a").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert not problems, "\n".join(problems)
