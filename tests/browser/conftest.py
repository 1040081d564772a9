"""Browser fixtures: the session's Chromium, one fresh context and page per test.

Every browser test runs against pytest-django's ``live_server`` (a transactional database), so
what the test creates is committed and the server thread sees it. When a test fails, a
screenshot of its page is left in ``test-results/`` (ignored by git).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.browser import support

RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    yield support.acquire_browser()
    support.release_browser()


@pytest.fixture
def live_url(live_server):
    # Rate-limit counters live in the database cache table, which the transactional flush
    # between tests does not empty: start every browser test with a clean slate.
    cache.clear()
    return live_server.url


@pytest.fixture
def page(request, browser, live_url):
    """A page in a fresh browser context (no cookies), Japanese first, CSP enforced."""
    context = support.new_context(browser, live_url)
    page = context.new_page()
    csp_errors = []
    page.on(
        "console",
        lambda msg: (
            csp_errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.csp_errors = csp_errors
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        # The screenshot is a courtesy: it must never mask the failure itself.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    context.close()
    assert not csp_errors, f"the page broke its Content-Security-Policy: {csp_errors}"


@pytest.fixture
def sign_in(page, live_url):
    """sign_in(user): the page's browser context is now signed in as ``user``."""

    def do(user):
        support.sign_in(page.context, live_url, user)
        return user

    return do
