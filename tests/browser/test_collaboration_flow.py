"""Collaboration in a browser (issue 18 parts 1-3): a department publishes a theme, a group's
member proposes on it, the office assigns it, the department answers 採択 and the group reads the
answer; the project's agreement is recorded, the group writes a progress report and the final
report, both sides evaluate, the public reads the project's page with its results, and an official
reads the figures of the fiscal year's report, which count exactly what the path made. Each page
is also looked at on a phone (390 px: no sideways scrolling) and a desk, with screenshots left
in test-results/collaboration/."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration import kpis
from collaboration.models import Evaluation, Project, Proposal, Theme
from core.fiscal import FiscalYear
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


def _figure(page, key: str) -> str:
    """The year's figure of ``key`` as the report's table shows it ("1,234", or "—" for none)."""
    return page.locator(f"main td[data-key='{key}']").inner_text().strip()


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
    member_page.get_by_role("button", name="オフィスに提出する").click()
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

    # The adopted proposal is a project: the department records the agreement.
    project = Project.objects.get(proposal=proposal)
    official.goto(reverse("collaboration:desk"))
    official.locator(f"a[href='{project.get_workspace_url()}']").click()
    official.get_by_role("link", name="協定を記録する").click()
    official.locator("#id_starts_on").fill("2026-01-01")
    official.locator("#id_ends_on").fill("2099-03-31")
    official.locator("#id_concluded_on").fill("2026-01-01")
    _look(official, "agreement")
    official.locator("main form button[type=submit]").click()
    official.wait_for_load_state()
    project.refresh_from_db()
    assert project.status == Project.Status.RUNNING

    # The group finds its workspace from its proposals and writes a progress report.
    member_page.goto(reverse("collaboration:proposals"))
    member_page.locator(f"a[href='{project.get_workspace_url()}']").click()
    member_page.get_by_role("link", name="経過報告を書く").click()
    member_page.locator("#id_text").fill("第1回の食堂を開き、子ども24人が参加。")
    _look(member_page, "progress-report")
    member_page.locator("main form button[type=submit]").click()
    member_page.wait_for_load_state()
    assert "第1回の食堂を開き" in member_page.locator("main").inner_text()
    _look(member_page, "project-workspace")

    # The final report completes the project.
    member_page.get_by_role("link", name="完了報告を提出する").click()
    member_page.locator("#id_results").fill("延べ300人の子どもが参加し、見守りの輪が広がった。")
    member_page.locator("#id_spending").fill("280000")
    member_page.locator("main form button[type=submit]").click()
    member_page.wait_for_load_state()
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED

    # Both sides evaluate; the joint evaluation shows when both have.
    for evaluator, comment in (
        (member_page, "市の周知で参加者が増えた。"),
        (official, "地域の見守りにつながった。"),
    ):
        evaluator.goto(project.get_workspace_url())
        evaluator.get_by_role("link", name="評価する", exact=False).click()
        for name in ("rating_goals", "rating_effect", "rating_roles", "rating_continuity"):
            evaluator.locator(f"input[name={name}][value='4']").check()
        evaluator.locator("#id_comment").fill(comment)
        evaluator.get_by_label("変更して継続").check()
        _look(evaluator, "evaluation")
        evaluator.locator("main form button[type=submit]").click()
        evaluator.wait_for_load_state()
    assert Evaluation.objects.filter(project=project).count() == 2
    member_page.goto(project.get_workspace_url())
    text = member_page.locator("main").inner_text()
    assert "市の周知で参加者が増えた。" in text and "地域の見守りにつながった。" in text
    _look(member_page, "project-workspace-evaluated")

    # The public reads the project's page with its results, from the list of projects.
    page.goto(reverse("collaboration:projects"))
    _look(page, "projects")
    page.get_by_role("link", name="地域みんなの子ども食堂").first.click()
    text = page.locator("main").inner_text()
    assert "延べ300人の子どもが参加" in text and "市民協働課" in text
    assert "280,000" not in text
    _look(page, "project")

    # The figures in the year's report: an official opens the report from the menu, then this
    # fiscal year, and reads the collaboration figures. They count what this path made: one
    # proposal received (an answer to a theme, 行政提案型) and adopted, one department involved,
    # the project completed today (so no longer running); no introduction, no referral.
    year = FiscalYear.of(timezone.localdate()).year
    year_path = reverse("reports:annual_year", args=[year])
    official.goto("/")
    official.get_by_role("navigation", name="メイン").get_by_role("link", name="報告").click()
    official.wait_for_url(f"**{reverse('reports:annual')}")
    official.locator(f"main a[href='{year_path}']").first.click()
    official.wait_for_url(f"**{year_path}")
    figures = {key: _figure(official, key) for key in kpis.KEYS}
    assert figures == {
        "proposals_received": "1",
        "proposals_adopted": "1",
        "projects_running": "0",
        "projects_completed": "1",
        "partners_involved": "1",
        "introductions_made": "0",
        "consultations_referred": "0",
    }
    by_kind = official.locator("main table", has_text="協働事業提案の種類別件数")
    assert by_kind.locator("tr", has_text="行政提案型").locator("td").inner_text() == "1"
    assert by_kind.locator("tr", has_text="市民提案型").locator("td").inner_text() == "0"
    _look(official, "report-year")
