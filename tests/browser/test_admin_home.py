"""The admin home (the office's day) in Chromium: it fits a 390-px phone and a 1366-px desk with
44×44 tap targets in its content, passes axe's WCAG 2.1 AA rules in Japanese and English, and its
counts lead to the lists behind them. Screenshots go to test-results/admin_home_*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from bulletin.models import BulletinPost
from events.models import Event
from facilities.models import Booking
from groups.models import Group
from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS
from tests.browser.conftest import RESULTS_DIR
from tests.events.factories import EventFactory, RegistrationFactory
from tests.facilities.factories import RoomFactory, make_booking
from tests.factories import GroupFactory
from tests.news.factories import OpinionFactory, PostFactory

pytestmark = pytest.mark.browser


# Tap targets under 44×44 inside the dashboard itself (the admin's own header is Django's).
SMALL_TARGETS_JS = """
(min) => [...document.querySelectorAll('#content a[href], #content button')]
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 1 && r.height > 1 && (r.width < min - 0.5 || r.height < min - 0.5))
  .map(([el, r]) => `${el.textContent.trim().slice(0, 30)} `
                    + `${Math.round(r.width)}×${Math.round(r.height)}`)
"""


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def a_day_at_the_office(group):
    today = timezone.localdate()
    GroupFactory.create_batch(3, status=Group.Status.APPLIED, registered_on=None)
    room = RoomFactory(name="ミーティングスペースA")
    make_booking(room, at(today, 10), at(today, 12), group=group)
    make_booking(room, at(today, 13), at(today, 15), purpose="事務局の打ち合わせ")
    later = today + dt.timedelta(days=4)
    make_booking(room, at(later, 10), at(later, 12), group=group, status=Booking.Status.REQUESTED)
    PostFactory(group=group, status=BulletinPost.Status.PENDING)
    OpinionFactory()
    event = EventFactory(title="登録団体情報交換会", start=at(today, 18), end=at(today, 20))
    RegistrationFactory.create_batch(3, event=event)
    EventFactory(status=Event.Status.PROPOSED, organiser=group)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_admin_home_fits_a_phone_and_a_desk_and_passes_axe(
    page, sign_in, live_url, staff, a_day_at_the_office, language
):
    sign_in(staff)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}]
    )
    problems = []
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_url}/admin/")
        found = layout.measure(page)
        if found["overflow"]:
            problems.append(f"{width}px: {found['overflow']} px too wide: {found['wide']}")
        small = page.evaluate(SMALL_TARGETS_JS, layout.MIN_TARGET)
        if small:
            problems.append(f"{width}px: tap targets under 44×44: {small}")
        RESULTS_DIR.mkdir(exist_ok=True)
        # caret="initial": hiding the caret would inject a <style>, which the CSP refuses.
        page.screenshot(
            path=str(RESULTS_DIR / f"admin_home_{language}_{width}.png"),
            full_page=True,
            caret="initial",
        )
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        for v in violations:
            targets = [node.get("target") for node in v.get("nodes", [])[:3]]
            problems.append(f"{width}px: axe {v['id']}: {v['help']} at {targets}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_a_count_leads_to_the_list_behind_it(page, sign_in, live_url, staff, a_day_at_the_office):
    sign_in(staff)
    page.goto(f"{live_url}/admin/")
    tile = page.locator('[data-key="groups.applications"] a')
    assert tile.locator(".dash-waiting__count").inner_text() == "3"
    tile.click()
    page.wait_for_url("**/admin/groups/groupapplication/**")
    assert page.locator("#result_list tbody tr").count() == 3
    page.goto(f"{live_url}/admin/")
    page.get_by_role("link", name="窓口を開く").click()
    page.wait_for_url("**/facilities/desk/**")
    page.goto(f"{live_url}/admin/")
    attendance = page.locator('[data-panel="events.today"]').get_by_role("link", name="出欠")
    assert attendance.get_attribute("href").endswith("/attendance/")
