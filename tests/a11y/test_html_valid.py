"""Every page is valid HTML by the W3C Nu checker, signed out and in, in Japanese and English.

The pages are rendered by Django's test client over the demo data, saved to files, and vnu.jar
(npm package `vnu-jar`, run with the machine's Java) checks them all in one JVM start.
"""

from __future__ import annotations

import re

import pytest

from tests.a11y import pages, vnu
from tests.a11y.conftest import LANGUAGES

# The language of the crawl's clients (DemoSite.client's default).
CRAWL_LANGUAGE = "ja"


def collect(demo_site):
    """(label, html) for every page type × role × language, plus the error page.

    The crawl already holds each page in Japanese (its clients read Japanese): only the English
    pages are rendered again."""
    found = []
    keys = [p.key for p in pages.url_patterns() if not p.is_admin and pages.is_page(p.key)]
    crawled = {
        (f.role, f.path): f.html
        for by_key in demo_site.crawled.values()
        for fetched in by_key.values()
        for f in fetched
        # Reused only when it really is the Japanese page.
        if f.is_html and f'<html lang="{CRAWL_LANGUAGE}"' in f.html[:300]
    }
    clients = {}
    for key in keys:
        for role, path in demo_site.views(key):
            for language in LANGUAGES:
                if language == CRAWL_LANGUAGE and (role, path) in crawled:
                    content = crawled[(role, path)].encode()
                else:
                    client = clients.setdefault((role, language), demo_site.client(role, language))
                    response = client.get(path)
                    if response.status_code != 200:
                        continue
                    content = response.content
                found.append((f"{key} {path} as {role} ({language})", content))
    for key, path in pages.ERROR_PAGES.items():
        for language in LANGUAGES:
            response = demo_site.client("anonymous", language).get(path)
            found.append((f"{key} {path} ({language})", response.content))
    return found


def test_every_page_is_valid_html(demo_site, django_db_blocker, tmp_path):
    reason = vnu.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with django_db_blocker.unblock():
        rendered = collect(demo_site)
    assert rendered
    files = {}
    for i, (label, content) in enumerate(rendered):
        path = tmp_path / f"page-{i:04d}.html"
        path.write_bytes(content)
        files[path] = label
    # A page we know to be invalid goes into the same batch: proof that vnu really ran.
    known_bad = tmp_path / "known-bad.html"
    known_bad.write_text(
        '<!DOCTYPE html><html lang="ja"><head><title>x</title></head>'
        '<body><span id="a"></span><span id="a"></span></body></html>'
    )
    results = vnu.check([*files, known_bad])
    assert results.pop(known_bad), "vnu did not report the duplicate id of the known-bad page"
    problems = []
    for path, errors in results.items():
        for error in errors[:8]:
            extract = re.sub(r"\s+", " ", error.get("extract", ""))[:120]
            problems.append(
                f"{files[path]}: line {error.get('lastLine')}: {error['message']} «{extract}»"
            )
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_the_session_has_a_test_database():
    """Makes pytest-django create the test database even when only this module runs: the demo
    site is seeded into it (and flushed), never into a real database."""
    from django.db import connection

    assert connection.settings_dict["NAME"].startswith("test_")
