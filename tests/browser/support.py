"""One headless Chromium for the whole test session, shared by tests/browser and tests/a11y.

Debian's Chromium (``apt-get install chromium fonts-noto-cjk``) is driven by Playwright for
Python; no browser is ever downloaded. ``make test`` and ``.ci/run`` install it when missing.
Tests skip (with the reason) only when Chromium is not installed or truly cannot start.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM refuses to run
# while a loop is running unless told that this is deliberate. The live server answers from its
# own thread, and the test code only reads and writes the database between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DEFAULT_TIMEOUT_MS = 15_000


class _Shared:
    playwright = None
    browser = None
    users = 0
    error: str | None = None


def chromium_path() -> str | None:
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if os.path.exists(override) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def acquire_browser():
    """The session's browser (launched on first use); skips the test when it cannot start."""
    if _Shared.error:
        pytest.skip(_Shared.error)
    if _Shared.browser is None:
        path = chromium_path()
        if path is None:
            _Shared.error = (
                "Chromium is not installed: run `apt-get install -y chromium fonts-noto-cjk` "
                "(make test and .ci/run do this when they run as root)."
            )
            pytest.skip(_Shared.error)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=path, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            playwright.stop()
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            _Shared.error = f"Chromium at {path} could not start: {first_line}"
            pytest.skip(_Shared.error)
        _Shared.playwright, _Shared.browser = playwright, browser
    _Shared.users += 1
    return _Shared.browser


def release_browser() -> None:
    _Shared.users -= 1
    if _Shared.users <= 0 and _Shared.browser is not None:
        _Shared.browser.close()
        _Shared.playwright.stop()
        _Shared.browser = _Shared.playwright = None
        _Shared.users = 0


def new_context(browser, base_url: str, *, language: str | None = None):
    """A fresh context (own cookies) with Japanese as the browser's language by default."""
    context = browser.new_context(
        base_url=base_url,
        locale="ja-JP" if language in (None, "ja") else "en-US",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    if language:
        set_language_cookie(context, base_url, language)
    return context


def set_language_cookie(context, base_url: str, language: str) -> None:
    from django.conf import settings

    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    )


def sign_in(context, base_url: str, user) -> None:
    """Give the browser a signed-in session for ``user`` (like Client.force_login)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": base_url}]
    )
