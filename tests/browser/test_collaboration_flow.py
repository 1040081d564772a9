"""Collaboration in a browser (issue 18 parts 1-2): a department publishes a theme, a group's
member proposes on it, the office assigns it, the department answers 採択 and the group reads the
answer. Each page is also looked at on a phone (390 px: no sideways scrolling) and a desk, with
screenshots left in test-results/collaboration/."""

from pathlib import Path

import pytest
from django.urls import reverse

from collaboration.models import Proposal, Theme
from tests.browser import support

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "collaboration"


def _look(page, name: str) -> None:
    """Screenshots at 390×844 and 1366×900; the page never scrolls sideways on a phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_load_state()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _as(page, live_url, user):
    context = support.new_context(page.context.browser, live_url)
    support.sign_in(context, live_url, user)
    return context.new_page()


def test_theme_to_proposal_to_answer(page, live_url, member, group, staff, department_official):
    # The department publishes a theme from its desk.
    official = _as(page, live_url, department_official)
    official.goto(reverse("collaboration:desk"))
    _look(official, "desk-department-empty")
    official.get_by_role("link", name="新しいテーマ").click()
    official.locator("#id_title").fill("放課後の子どもの居場所づくり")
    official.locator("#id_issue").fill("放課後に一人で過ごす子どもが増えている。")
    official.locator("#id_expectations").fill("食事と学習の場を運営できる団体。")
    official.locator("#id_budget_min").fill("100000")
    official.locator("#id_budget_max").fill("500000")
    official.locator("#id_deadline").fill("2099-03-31")
    _look(official, "theme-form")
    official.locator("main form button[type=submit]").click()
    official.wait_for_load_state()
    theme = Theme.objects.get()
    assert theme.status == Theme.Status.PUBLISHED

    # A visitor reads it; a member proposes on it.
    page.goto(reverse("collaboration:themes"))
    _look(page, "themes")
    page.get_by_role("link", name="放課後の子どもの居場所づくり").first.click()
    _look(page, "theme")
    member_page = _as(page, live_url, member)
    member_page.goto(theme.get_absolute_url())
    member_page.get_by_role("link", name="このテーマに提案する").click()
    fields = {
        "title": "地域みんなの子ども食堂",
        "aim": "子どもの孤食を減らす。",
        "activities": "月2回の食堂と学習支援。",
        "role_group": "食堂の運営",
        "role_city": "会場と広報",
        "budget": "300000",
        "schedule": "7月準備、9月開始",
    }
    for name, value in fields.items():
        member_page.locator(f"#id_{name}").fill(value)
    _look(member_page, "proposal-form")
    member_page.locator("main form button[type=submit]").click()
    member_page.wait_for_load_state()
    proposal = Proposal.objects.get()
    member_page.get_by_role("button", name="事務局に提出する").click()
    member_page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED

    # The office assigns it to the department.
    office = _as(page, live_url, staff)
    office.goto(reverse("collaboration:desk"))
    _look(office, "desk-office")
    office.get_by_role("link", name="地域みんなの子ども食堂").click()
    office.get_by_role("link", name="担当課へ送付").click()
    office.locator("#id_department").select_option(label="市民協働課")
    _look(office, "assign")
    office.locator("main form button[type=submit]").click()
    office.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED

    # The department finds it on its desk and answers 採択.
    official.goto(reverse("collaboration:desk"))
    _look(official, "desk-department")
    official.get_by_role("link", name="地域みんなの子ども食堂").click()
    official.get_by_role("link", name="回答", exact=True).click()
    official.get_by_label("採択", exact=True).check()
    official.locator("#id_reasons").fill("地域の課題に合い、実施体制も十分。")
    _look(official, "answer")
    official.locator("main form button[type=submit]").click()
    official.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED

    # The group reads the answer with its reasons.
    member_page.goto(proposal.get_absolute_url())
    _look(member_page, "proposal")
    assert "地域の課題に合い、実施体制も十分。" in member_page.locator("main").inner_text()
