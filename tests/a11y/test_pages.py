"""Every URL pattern of the portal is a checked page, or says why it is not one."""

import pytest

from tests.a11y import pages


def test_every_page_type_is_covered(demo_site):
    missing = []
    for pattern in pages.url_patterns():
        key = pattern.key
        if pattern.is_admin or not pages.is_page(key):
            continue
        if demo_site.views(key) or demo_site.non_html(key) or key in pages.PENDING:
            continue
        seen = sorted(
            {
                (f.role, f.status)
                for by_key in demo_site.crawled.values()
                for f in by_key.get(key, [])
            }
        )
        missing.append(
            f"{key} ({pattern.route}) reached as {seen or 'nobody: no link leads there'}"
        )
    assert not missing, (
        "These pages are not checked for accessibility and HTML validity. Link them from a page, "
        "add an entry to EXTRA_PAGES, or give the reason in NOT_PAGES (tests/a11y/pages.py):\n  "
        + "\n  ".join(missing)
    )


def test_no_page_crashes_for_any_role(demo_site):
    crashed = sorted(
        f"{f.path} as {f.role}"
        for by_key in demo_site.crawled.values()
        for found in by_key.values()
        for f in found
        if f.status >= 500
    )
    assert not crashed, crashed


def test_the_crawl_found_the_demo_data(demo_site):
    # A crawl that sees nothing would let every other check pass for the wrong reason.
    public = [
        k for k, found in demo_site.crawled["anonymous"].items() if any(f.is_html for f in found)
    ]
    assert "home" in public
    assert len(public) >= 8, public


@pytest.mark.django_db
def test_the_session_has_a_test_database():
    """Makes pytest-django create the test database even when only this module runs: the demo
    site is seeded into it (and flushed), never into a real database."""
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_")
