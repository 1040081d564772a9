"""The admin's header on a phone (static/css/admin.css): staff run the office from the admin,
at the desk and on a phone, and at 390 px its links and buttons (view site, change password,
log out, the colour theme) and the breadcrumbs' links are 44×44 tap targets; at 1366 px the
header is Django's as it was. Screenshots go to test-results/admin_header_*.png."""

from __future__ import annotations

import pytest

from tests.a11y import layout
from tests.browser.conftest import RESULTS_DIR

pytestmark = pytest.mark.browser

HEADER_TARGETS_JS = """
(min) => [...document.querySelectorAll('#user-tools a, #user-tools button, .breadcrumbs a')]
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 1 && r.height > 1)
  .map(([el, r]) => ({
    text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20),
    width: Math.round(r.width),
    height: Math.round(r.height),
  }))
"""


@pytest.mark.django_db(transaction=True)
def test_the_admin_header_is_tapped_easily_on_a_phone(page, sign_in, live_url, staff):
    sign_in(staff)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/admin/facilities/booking/")
    targets = page.evaluate(HEADER_TARGETS_JS, layout.MIN_TARGET)
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "admin_header_390.png"), caret="initial")
    # Not vacuous: the three links, the log-out and theme buttons, two breadcrumbs.
    assert len(targets) >= 6, targets
    small = [t for t in targets if t["width"] < 44 or t["height"] < 44]
    assert small == []
    assert layout.measure(page)["overflow"] <= 0


@pytest.mark.django_db(transaction=True)
def test_the_admin_header_on_a_desk_is_djangos_own(page, sign_in, live_url, staff):
    sign_in(staff)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}/admin/facilities/booking/")
    targets = page.evaluate(HEADER_TARGETS_JS, layout.MIN_TARGET)
    # One line of small links, as Django draws it (the stylesheet is for phones only).
    assert targets and max(t["height"] for t in targets if t["text"]) < 30, targets
