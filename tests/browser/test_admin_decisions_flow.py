"""Decisions on an object's own admin page in Chromium (issue #14 part 2): staff return an
event proposal with a note and publish a reported bulletin post from their pages, on a 390-px
phone and a 1366-px desk; the decision panel has 44×44 buttons, labelled note fields and passes
axe's WCAG 2.1 AA rules. Screenshots go to test-results/admin_decisions_*.png."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from bulletin.models import BulletinPost, PostReport
from events.models import Event
from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS
from tests.browser.conftest import RESULTS_DIR
from tests.events.factories import EventFactory, at
from tests.news.factories import PostFactory

pytestmark = pytest.mark.browser

SMALL_TARGETS_JS = """
(min) => [...document.querySelectorAll('.decision-panel button, .decision-panel textarea')]
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 1 && r.height > 1
                       && (r.width < min - 0.5 || r.height < min - 0.5))
  .map(([el, r]) => `${el.textContent.trim().slice(0, 30)} `
                    + `${Math.round(r.width)}×${Math.round(r.height)}`)
"""
PANEL_WIDE_JS = """
() => { const p = document.querySelector('.decision-panel'); if (!p) return 'no panel';
        const right = p.getBoundingClientRect().right;
        return right > document.documentElement.clientWidth + 0.5 ? `${Math.round(right)}` : ''; }
"""


def check_panel(page, name: str) -> list[str]:
    problems = []
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        wide = page.evaluate(PANEL_WIDE_JS)
        if wide:
            problems.append(f"{width}px: the decision panel is too wide ({wide})")
        small = page.evaluate(SMALL_TARGETS_JS, layout.MIN_TARGET)
        if small:
            problems.append(f"{width}px: tap targets under 44×44: {small}")
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS_DIR / f"admin_decisions_{name}_{width}.png"))
        before = len(page.csp_errors)
        result = Axe().run(page, context={"include": [[".decision-panel"]]}, options=AXE_OPTIONS)
        # On a change form (its date widgets), axe's own probes apply inline styles that the
        # CSP reports; those are axe's, not the page's (the page's own come before).
        del page.csp_errors[before:]
        for v in result.response["violations"]:
            targets = [node.get("target") for node in v.get("nodes", [])[:3]]
            problems.append(f"{width}px: axe {v['id']}: {v['help']} at {targets}")
    return problems


@pytest.mark.django_db(transaction=True)
def test_staff_return_a_proposal_with_a_note_from_its_page(page, sign_in, live_url, staff, group):
    proposal = EventFactory(
        status=Event.Status.PROPOSED, organiser=group, title="子ども食堂 説明会", start=at(14, 18)
    )
    sign_in(staff)
    page.goto(f"{live_url}/admin/events/event/{proposal.pk}/change/")
    problems = check_panel(page, "event")
    assert not problems, "\n".join(problems)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("団体へのメモ").fill("日時を平日の夜にしてください。")
    page.get_by_role("button", name="団体に差し戻す").click()
    page.wait_for_load_state()
    assert "差し戻しました" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(RESULTS_DIR / "admin_decisions_event_returned_390.png"))
    proposal.refresh_from_db()
    assert proposal.status == Event.Status.DRAFT
    assert proposal.staff_note == "日時を平日の夜にしてください。"


@pytest.mark.django_db(transaction=True)
def test_staff_publish_a_reported_post_from_its_page(page, sign_in, live_url, staff, group):
    post = PostFactory(group=group, status=BulletinPost.Status.PENDING, published_at=None)
    PostReport.objects.create(post=post, reason="spam", reporter_key="user:1")
    sign_in(staff)
    page.goto(f"{live_url}/admin/bulletin/bulletinpost/{post.pk}/change/")
    problems = check_panel(page, "bulletin")
    assert not problems, "\n".join(problems)
    page.get_by_role("button", name="公開する").click()
    page.wait_for_load_state()
    assert "公開しました" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(RESULTS_DIR / "admin_decisions_bulletin_published_1366.png"))
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PUBLISHED
    assert not post.reports.filter(resolved=False).exists()
