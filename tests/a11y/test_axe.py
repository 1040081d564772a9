"""axe-core in Chromium on every page type, signed out and signed in, in Japanese and English.

Fails on any violation of the WCAG 2.1 A and AA rules (the bar of JIS X 8341-3 for Japanese
public sites). axe-core ships inside axe-playwright-python, so no network is needed. The same
pass also fails a page whose Content-Security-Policy the browser had to enforce.

axe runs at a phone's width (390×844) and again after widening the window to a desk's
(1366×900), and the same page load is measured for the layout (tests/a11y/layout.py) at both: no
sideways scrolling, tap targets of 44×44. A page that fails either leaves a full-page screenshot
in test-results/layout/. The measurements are judged by `test_page_fits_a_phone_and_a_desk`, one
test per page type, so a page known to be too wide today (EXPECTED_LAYOUT_FAILURES) is still
checked by axe.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.a11y import layout, pages
from tests.a11y.conftest import LANGUAGES
from tests.browser import support

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PAGE_KEYS = [p.key for p in pages.url_patterns() if not p.is_admin and pages.is_page(p.key)] + list(
    pages.ERROR_PAGES
)

_axe = Axe()
# (page key) -> layout problems found while axe looked at its views, for the layout test.
MEASURED: dict[str, list[str]] = {}


class _Tabs:
    """One browser page per (role, language), reused across the tests."""

    def __init__(self, browser, site):
        self.browser, self.site, self.open = browser, site, {}

    def get(self, role: str, language: str):
        if (role, language) not in self.open:
            context = support.new_context(self.browser, self.site.live_url, language=language)
            phone_width, phone_height = layout.WIDTHS[0]
            if role != "anonymous":
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": self.site.sessions[role],
                            "url": self.site.live_url,
                        }
                    ]
                )
            page = context.new_page()
            page.set_viewport_size({"width": phone_width, "height": phone_height})
            page.csp_errors = []
            page.on(
                "console",
                lambda msg, page=page: (
                    page.csp_errors.append(msg.text)
                    if msg.type == "error" and "Content Security Policy" in msg.text
                    else None
                ),
            )
            self.open[(role, language)] = page
        return self.open[(role, language)]

    def close(self):
        for page in self.open.values():
            page.context.close()


@pytest.fixture(scope="module")
def tabs(a11y_browser, demo_site, demo_server):
    tabs = _Tabs(a11y_browser, demo_site)
    yield tabs
    tabs.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v.get("nodes", [])[:4]:
            lines.append(f"    at {node.get('target')}: {node.get('html', '')[:160]}")
    return "\n".join(lines)


def measure_widths(page, where: str) -> list[str]:
    """The layout at each width of layout.WIDTHS, without loading the page again. At a width
    where the page fails, a full-page screenshot is left in test-results/layout/."""
    problems = []
    for width, height in layout.WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        found = layout.problems_of(layout.measure(page), where=f"{where} at {width} px")
        if found:
            shot = layout.screenshot_path(where, width)
            page.screenshot(path=str(shot), full_page=True)
            found[-1] += f" (screenshot: {shot.relative_to(layout.RESULTS_DIR.parent)})"
        problems += found
    # Back to the phone for the next page.
    width, height = layout.WIDTHS[0]
    page.set_viewport_size({"width": width, "height": height})
    return problems


def views_for(key: str, site) -> list[tuple[str, str]]:
    if key in pages.ERROR_PAGES:
        return [("anonymous", pages.ERROR_PAGES[key]), ("member", pages.ERROR_PAGES[key])]
    return site.views(key)


def _axe_params():
    for key in PAGE_KEYS:
        for language in LANGUAGES:
            reason = layout.EXPECTED_AXE_FAILURES.get((key, language))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(key, language, marks=marks, id=f"{key}-{language}")


@pytest.mark.parametrize(("key", "language"), list(_axe_params()))
def test_page_meets_wcag_21_aa(key, language, demo_site, tabs, django_db_blocker):
    views = views_for(key, demo_site)
    if not views:
        reason = "not an HTML page" if demo_site.non_html(key) else "not reached by the crawl"
        pytest.skip(f"{key}: {reason} (see test_every_page_type_is_covered)")
    if language != "ja":
        # Japanese is checked signed out and signed in; English once, signed in where the page
        # has a signed-in view (the layout and the page's template are the same in both).
        views = views[-1:]
    problems = []
    layout_problems = MEASURED.setdefault(key, [])
    with django_db_blocker.unblock():
        for role, path in views:
            page = tabs.get(role, language)
            page.csp_errors.clear()
            page.goto(path)  # at a phone's width (the tab's viewport)
            assert page.locator("html").get_attribute("lang") == language, (role, path)
            where = f"{path} as {role} ({language})"
            # axe at each width of the layout check, in the same page load as its measurements.
            for width, height in layout.WIDTHS:
                page.set_viewport_size({"width": width, "height": height})
                violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
                if violations:
                    shot = layout.screenshot_path(f"axe {where}", width)
                    page.screenshot(path=str(shot), full_page=True)
                    problems.append(f"{where} at {width} px (screenshot: {shot.name}):")
                    problems.append(describe(violations))
            if page.csp_errors:
                problems.append(f"{path} as {role}: CSP blocked {page.csp_errors}")
            layout_problems += measure_widths(page, where)
    assert not problems, "\n".join(problems)


def _layout_params():
    for key in PAGE_KEYS:
        reason = layout.EXPECTED_LAYOUT_FAILURES.get(key)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(key, marks=marks, id=key)


@pytest.mark.parametrize("key", list(_layout_params()))
def test_page_fits_a_phone_and_a_desk(key, demo_site, tabs, django_db_blocker):
    """No sideways scrolling and 44×44 tap targets, at 390 and 1366 px, in both languages.

    Judges what the axe test measured in the same page loads; when that test did not run
    (e.g. ``-k fits``), the page is loaded here."""
    if key not in MEASURED:
        views = views_for(key, demo_site)
        if not views:
            pytest.skip(f"{key}: not an HTML page or not reached by the crawl")
        found = []
        with django_db_blocker.unblock():
            for language in LANGUAGES:
                for role, path in views if language == "ja" else views[-1:]:
                    page = tabs.get(role, language)
                    page.goto(path)
                    found += measure_widths(page, f"{path} as {role} ({language})")
        MEASURED[key] = found
    problems = MEASURED[key]
    assert not problems, "\n".join(problems)


def test_the_checker_itself_catches_a_known_violation(demo_site, tabs, django_db_blocker):
    """Guards against a pass for the wrong reason (axe not injected, wrong tags...)."""
    with django_db_blocker.unblock():
        page = tabs.get("anonymous", "ja")
        page.goto("/")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            ' \'<img src="/static/none.png"><a href="/"></a>\')'
        )
        violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert {"image-alt", "link-name"} <= {v["id"] for v in violations}


@pytest.mark.django_db
def test_the_session_has_a_test_database():
    """Makes pytest-django create the test database even when only this module runs: the demo
    site is seeded into it (and flushed), never into a real database."""
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_")
