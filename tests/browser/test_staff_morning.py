"""A staff member's morning in Chromium at 1366×900 (issue #14 "Done when"): the admin home's
counts → approve a group application from its own page → record a headcount and an undone
no-show at the desk → publish a reported bulletin post from its page → preview and test-send a
newsletter issue. Each step leaves a screenshot in test-results/staff_morning_*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from bulletin.models import BulletinPost, PostReport
from core.fiscal import TOKYO
from core.models import AuditLog
from facilities.models import Booking, FacilitySettings, OpeningHours
from groups.models import Group
from tests.a11y import layout
from tests.browser.conftest import RESULTS_DIR
from tests.facilities.factories import RoomFactory, make_booking
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.news.factories import PostFactory
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.browser

# A Wednesday at 10:30 in Tokyo, the office open since 9:00.
MORNING = dt.datetime(2026, 12, 9, 10, 30, tzinfo=TOKYO)

SMALL_DESK_TARGETS_JS = """
(min) => [...document.querySelectorAll(
    '.desk-table button, .desk-table a.button, .desk-table input[type=number]')]
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 1 && r.height > 1 && r.height < min - 0.5)
  .map(([el, r]) => `${(el.textContent || el.name).trim().slice(0, 30)} ${Math.round(r.height)}`)
"""


def shot(page, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"staff_morning_{name}_1366.png"), full_page=True)


@pytest.fixture
def morning(transactional_db):
    with time_machine.travel(MORNING, tick=True):
        yield


@pytest.fixture
def office(morning, staff, group):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()
    room = RoomFactory(name="ミーティングスペースA", slug="meeting-a", capacity=12)
    day = MORNING.date()
    used = make_booking(
        room,
        dt.datetime.combine(day, dt.time(9), tzinfo=TOKYO),
        dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO),
        group=group,
        attendees=6,
        purpose="朝の定例会",
    )
    missed = make_booking(
        room,
        dt.datetime.combine(day, dt.time(10), tzinfo=TOKYO),
        dt.datetime.combine(day, dt.time(10, 30), tzinfo=TOKYO),
        group=group,
        attendees=3,
        purpose="打ち合わせ",
    )
    application = GroupFactory(
        name="ひだまり読書会",
        name_kana="ひだまりどくしょかい",
        status=Group.Status.APPLIED,
        registered_on=None,
        registration_number="",
    )
    MembershipFactory(
        group=application,
        user=UserFactory(email="hidamari@example.org"),
        role="representative",
    )
    post = PostFactory(group=group, status=BulletinPost.Status.PENDING, published_at=None)
    PostReport.objects.create(post=post, reason="spam", reporter_key="user:1")
    issue = IssueFactory(number=42, title="冬号", body="## 今月の特集\n\n**交流会**のお知らせ")
    return {"used": used, "missed": missed, "application": application, "post": post,
            "issue": issue}  # fmt: skip


def test_a_staff_morning(page, sign_in, live_url, staff, office):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(staff)

    # 1. The admin home: what waits, with its counts.
    page.goto(f"{live_url}/admin/")
    shot(page, "1_home")
    tile = page.locator('[data-key="groups.applications"] a')
    if tile.count():
        assert tile.locator(".dash-waiting__count").inner_text() == "1"
        tile.click()
        page.wait_for_load_state()
        page.get_by_role("link", name="ひだまり読書会").click()
    else:  # the dashboard has not landed: the stock index's list of applications
        page.goto(f"{live_url}/admin/groups/groupapplication/{office['application'].pk}/change/")
    page.wait_for_load_state()

    # 2. Approve the application from its own page.
    shot(page, "2_application")
    page.locator(".decision-panel").get_by_role("button", name="承認", exact=True).click()
    page.wait_for_load_state()
    assert "ひだまり読書会" in page.locator(".messagelist").inner_text()
    shot(page, "2_application_approved")
    application = Group.objects.get(pk=office["application"].pk)
    assert application.status == Group.Status.REGISTERED
    assert any(m.to == ["hidamari@example.org"] for m in mail.outbox)

    # 3. The desk: a headcount, then a no-show confirmed and undone, each back at its row.
    used, missed = office["used"], office["missed"]
    page.goto(f"{live_url}/facilities/desk/")
    assert not page.evaluate(SMALL_DESK_TARGETS_JS, 44)
    row = page.locator(f"#booking-{used.pk}")
    row.get_by_label(re.compile("人数|People")).first.fill("7")
    row.get_by_role("button", name="利用を記録").click()
    page.wait_for_url(re.compile(rf"#booking-{used.pk}$"))
    assert "7" in page.locator(f"#booking-{used.pk} .desk-row-messages").inner_text()
    shot(page, "3_desk_recorded")

    page.locator(f"#booking-{missed.pk}").get_by_role("link", name=re.compile("無断不使用")).click()
    page.wait_for_load_state()
    assert "オンライン予約" in page.locator("main").inner_text()
    shot(page, "3_desk_no_show_confirm")
    page.get_by_role("button", name="無断不使用として記録する").click()
    page.wait_for_url(re.compile(rf"#booking-{missed.pk}$"))
    missed.refresh_from_db()
    assert missed.status == Booking.Status.NO_SHOW
    page.locator(f"#booking-{missed.pk}").get_by_role(
        "button", name=re.compile("無断不使用を取り消す")
    ).click()
    page.wait_for_url(re.compile(rf"#booking-{missed.pk}$"))
    assert "取り消しました" in page.locator(f"#booking-{missed.pk}").inner_text()
    shot(page, "3_desk_no_show_undone")
    missed.refresh_from_db()
    used.refresh_from_db()
    assert (missed.status, used.status, used.actual_headcount) == ("confirmed", "used", 7)

    # 4. Publish the reported bulletin post from its page.
    post = office["post"]
    page.goto(f"{live_url}/admin/bulletin/bulletinpost/{post.pk}/change/")
    publish = page.locator(".decision-panel").get_by_role("button", name="公開する")
    if publish.count():
        publish.click()
        page.wait_for_load_state()
        shot(page, "4_bulletin_published")
        post.refresh_from_db()
        assert post.status == BulletinPost.Status.PUBLISHED
        assert not post.reports.filter(resolved=False).exists()
    else:
        pytest.fail("the bulletin post's decision buttons are missing")

    # 5. Preview the newsletter issue, then the test send to oneself.
    issue = office["issue"]
    page.goto(f"{live_url}/admin/newsletter/newsletterissue/{issue.pk}/preview/")
    assert "今月の特集" in page.locator(".newsletter-preview-text").inner_text()
    shot(page, "5_newsletter_preview")
    sent_before = len(mail.outbox)
    page.get_by_role("button", name="自分あてにテスト送信").click()
    page.wait_for_load_state()
    shot(page, "5_newsletter_test_sent")
    assert len(mail.outbox) == sent_before + 1
    assert mail.outbox[-1].to == [staff.email]

    # The morning's history, one audit row per step, each by this member of staff.
    actions = set(AuditLog.objects.filter(actor=staff).values_list("action", flat=True))
    assert {
        "groups.group_approve",
        "facilities.booking_record_usage",
        "facilities.booking_mark_no_show",
        "facilities.booking_no_show_undo",
    } <= actions


def test_the_desk_and_its_no_show_confirmation_fit_a_phone(page, sign_in, live_url, staff, office):
    """The desk at the counter on a phone (390×844): no sideways scrolling, 44-px controls."""
    sign_in(staff)
    for width, height in layout.WIDTHS:  # the portal's layout check, at a desk's width too
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_url}/facilities/desk/")
        measured = page.evaluate(layout.MEASURE_JS, layout.MIN_TARGET)
        assert not measured["overflow"] and not measured["small"], (width, measured)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/facilities/desk/")
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "staff_morning_desk_390.png"), full_page=True)
    missed = office["missed"]
    page.locator(f"#booking-{missed.pk}").get_by_role("link", name=re.compile("無断不使用")).click()
    page.wait_for_load_state()
    page.screenshot(path=str(RESULTS_DIR / "staff_morning_no_show_confirm_390.png"))
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        measured = page.evaluate(layout.MEASURE_JS, layout.MIN_TARGET)
        assert not measured["overflow"] and not measured["small"], (width, measured)
