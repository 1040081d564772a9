"""What the browser tests that look at pages as people do share: each page opened at the phone's
and the desk's width (tests.a11y.layout.WIDTHS), measured and screenshotted to
test-results/<shots>_<name>_<width>.png, and axe's WCAG 2.1 AA rules run on the open page
(tests.a11y.test_axe.AXE_OPTIONS, the accessibility crawl's own)."""

from __future__ import annotations

from collections.abc import Iterator

from axe_playwright_python.sync_playwright import Axe

from tests.a11y import layout
from tests.a11y.test_axe import AXE_OPTIONS
from tests.browser.conftest import RESULTS_DIR


def at_each_width(page, live_url: str, pages: dict[str, str], *, shots: str) -> Iterator[tuple]:
    """Opens each of ``pages`` (name → path) at each width and yields ``(name, width,
    layout.measure(page))`` with the page open, for the caller's checks; the screenshot is
    taken after them."""
    RESULTS_DIR.mkdir(exist_ok=True)
    for name, url in pages.items():
        for width, height in layout.WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_url}{url}")
            yield name, width, layout.measure(page)
            page.screenshot(
                path=str(RESULTS_DIR / f"{shots}_{name}_{width}.png"),
                full_page=True,
                caret="initial",
            )


def axe_problems(page, *, where: str) -> list[str]:
    """axe's WCAG 2.1 AA violations on the open page, one line each."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{where}: axe {v['id']}: {v['help']}" for v in violations]
