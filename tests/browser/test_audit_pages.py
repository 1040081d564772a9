"""The audit log's pages in Chromium (issue #14, part 4): a record's history on its admin page,
the audit list and the admin home's recent actions fit a 390-px phone and a 1366-px desk, keep
their own links and buttons at 44 px, and pass axe's WCAG 2.1 AA rules in Japanese and English.
Screenshots go to test-results/audit_*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from core.audit import log_action
from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS
from tests.browser.conftest import RESULTS_DIR
from tests.factories import GroupFactory, UserFactory
from tests.news.factories import NewsPostFactory

pytestmark = pytest.mark.browser

# Tap targets under 44×44 inside the audit sections (the admin's own chrome is Django's).
SMALL_TARGETS_JS = """
([min, scope]) => [...document.querySelectorAll(scope)]
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 1 && r.height > 1 && (r.width < min - 0.5 || r.height < min - 0.5))
  .map(([el, r]) => `${el.textContent.trim().slice(0, 30)} `
                    + `${Math.round(r.width)}×${Math.round(r.height)}`)
"""
SCOPES = {
    "history": ".audit-history a[href]",
    "list": "#result_list a[href], .audit-filter-form button",
    "home": '[aria-labelledby="dash-recent-actions"] a[href]',
}


@pytest.fixture
def history(staff):
    staff.full_name = "佐藤"
    staff.save(update_fields=["full_name"])
    group = GroupFactory(name="川をきれいにする会（新居浜市の川と海の清掃ボランティア）")
    tanaka = UserFactory(full_name="田中", email="tanaka.longname.for.wrapping@example.org")
    log_action(actor=tanaka, action="groups.group_apply", target=group)
    log_action(actor=staff, action="groups.group_approve", target=group,
               registration_number="R8-005")  # fmt: skip
    for _ in range(22):
        log_action(actor=staff, action="groups.group_profile_update", target=group,
                   changed=["summary", "name", "representative_phone"])  # fmt: skip
    reason = "年度の更新手続きがなく、連絡も取れないため（電話・メールとも不通）"
    log_action(actor=staff, action="groups.group_suspend", target=group, reason=reason)
    return group


@pytest.fixture
def news_post(staff):
    """A record whose admin page is a plain form. (The group's page, with its two-box pickers,
    is checked under the CSP in test_admin_change_page.py.)"""
    post = NewsPostFactory(title="年末年始の休館のお知らせ（12月29日から1月3日まで）")
    for _ in range(22):
        log_action(actor=staff, action="news.news_post_save", target=post,
                   fields=["title", "body"], created=False)  # fmt: skip
    return post


# Where axe looks: the record's page is Django's form and the app's widgets around the history
# (checked by their own tests); the list and the home page are checked whole.
AXE_CONTEXT = {"history": {"include": [[".audit-history"]]}, "list": None, "home": None}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("name", ["history", "list", "home"])
def test_the_audit_pages_fit_a_phone_and_a_desk_and_pass_axe(
    page, sign_in, live_url, staff, history, news_post, language, name
):
    sign_in(staff)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}]
    )
    url = {
        "history": reverse("admin:news_newspost_change", args=[news_post.pk]),
        "list": reverse("admin:core_auditlog_changelist") + "?q=" + "佐藤",
        "home": reverse("admin:index"),
    }[name]
    problems = []
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_url}{url}")
        where = f"{name} {width}px"
        found = layout.measure(page)
        if found["overflow"]:
            problems.append(f"{where}: {found['overflow']} px too wide: {found['wide']}")
        small = page.evaluate(SMALL_TARGETS_JS, [layout.MIN_TARGET, SCOPES[name]])
        if small:
            problems.append(f"{where}: tap targets under 44×44: {small}")
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(
            path=str(RESULTS_DIR / f"audit_{name}_{language}_{width}.png"),
            full_page=True,
            caret="initial",
        )
        before = len(page.csp_errors)
        result = Axe().run(page, context=AXE_CONTEXT[name], options=AXE_OPTIONS)
        # On a change form (its date widgets), axe's own probes apply inline styles that the CSP
        # reports; those reports are axe's, not the page's: the page's own come before.
        del page.csp_errors[before:]
        violations = result.response["violations"]
        for v in violations:
            targets = [node.get("target") for node in v.get("nodes", [])[:3]]
            problems.append(f"{where}: axe {v['id']}: {v['help']} at {targets}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_staff_find_a_records_history_by_date_and_follow_it_back(
    page, sign_in, live_url, staff, history
):
    sign_in(staff)
    page.goto(f"{live_url}{reverse('admin:core_auditlog_changelist')}")
    today = dt.date.today().isoformat()
    page.fill("#audit-from", today)
    page.fill("#audit-to", today)
    page.locator(".audit-date-range button").click()
    page.wait_for_url("**from=*")
    assert page.locator("#result_list tbody tr").count() == 25
    page.locator("#result_list .field-record a").first.click()
    page.wait_for_url(f"**/admin/groups/group/{history.pk}/change/")
    assert "団体を利用停止にしました" in page.locator(".audit-history").inner_text()
