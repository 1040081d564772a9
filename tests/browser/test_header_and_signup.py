"""The header's search box and the sign-up page in a real browser, at a phone's width and a
desk's (issue #16 parts 5 and 7): the box fits, is 44 px and leads to the results; the sign-up
page says why to register and links the terms and the privacy policy. Screenshots are left in
test-results/ to look at."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.a11y import layout
from tests.browser.conftest import RESULTS_DIR

pytestmark = pytest.mark.browser

WIDTHS = layout.WIDTHS


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_header_search_fits_and_finds(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(reverse("news:list"))
    search = page.get_by_role("search", name="サイト内検索")
    field = search.get_by_role("searchbox", name="さがす言葉")
    button = search.get_by_role("button", name="検索")
    for target in (field, button):
        box = _box(target)
        assert box["height"] >= layout.MIN_TARGET and box["width"] >= layout.MIN_TARGET
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    found = layout.measure(page)
    assert found["overflow"] == 0, found["wide"]
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"header_search_{width}.png"))

    field.fill("協働")
    field.press("Enter")  # no JavaScript needed: a GET form
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.get_by_role("heading", level=1).inner_text() == "サイト内検索"
    assert page.locator("#site-search-q").input_value() == "協働"
    # The results page has one search box: its own.
    assert page.get_by_role("search").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_sign_up_page_says_why_and_links_the_terms(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(reverse("account_signup"))
    why = page.get_by_role("region", name="アカウントでできること")
    assert why.get_by_role("listitem").count() == 4
    assert why.get_by_role("link", name="利用規約").get_attribute("href") == reverse("pages:terms")
    privacy = why.get_by_role("link", name="個人情報の取扱い")
    assert privacy.get_attribute("href") == reverse("pages:privacy")
    assert page.get_by_label("利用規約と個人情報の取扱いに同意します").is_visible()
    found = layout.measure(page)
    assert found["overflow"] == 0, found["wide"]
    assert found["small"] == []
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"signup_{width}.png"), full_page=True)
