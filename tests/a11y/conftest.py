"""One demo site for the accessibility and HTML-validity checks.

The whole session shares it: `seed_demo` fills the test database once (`demo_database`,
tests/fixtures_years.py, which flushes it at the end), the portal is crawled as each role
(tests/a11y/pages.py) and a live server answers the browser. These tests use no per-test database
fixture, so pytest-django runs them after every database test; no database test sees the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client

from tests.a11y import pages
from tests.browser import support

# The demo accounts by role (accounts/demo.py); "member" is a group's representative there.
ROLE_EMAILS = {
    "citizen": "citizen@example.com",
    "member": "rep@example.com",
    "staff": "staff@example.com",
    "official": "official@example.com",
}
CRAWL_ROLES = ["anonymous", *ROLE_EMAILS]
# Signed-in roles in the order we prefer to view a page that several of them may see.
SIGNED_IN_PREFERENCE = ["member", "citizen", "official", "staff"]
LANGUAGES = ["ja", "en"]


@dataclass
class DemoSite:
    users: dict[str, object]
    crawled: dict[str, dict[str, list[pages.Fetched]]]  # role -> pattern key -> pages
    extra: dict[str, str] = field(default_factory=dict)  # pattern key -> path
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    live_url: str = ""

    def client(self, role: str, language: str = "ja") -> Client:
        from django.conf import settings

        # A page that crashes is recorded as a 500 (and reported), not an error of the crawl.
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(self.users[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    def views(self, key: str) -> list[tuple[str, str]]:
        """(role, path) to check for a pattern: signed out when public, and one signed-in role."""
        chosen = []
        anon = [f for f in self.crawled["anonymous"].get(key, []) if f.is_html]
        if anon:
            chosen.append(("anonymous", anon[0].path))
        for role in SIGNED_IN_PREFERENCE:
            found = [f for f in self.crawled[role].get(key, []) if f.is_html]
            if found:
                chosen.append((role, found[0].path))
                break
        return chosen

    def non_html(self, key: str) -> list[pages.Fetched]:
        return [
            f
            for by_key in self.crawled.values()
            for f in by_key.get(key, [])
            if f.status == 200 and not f.is_html
        ]


@pytest.fixture(scope="session")
def demo_site(demo_database, django_db_blocker):
    """The crawl of the session's demo office (tests/fixtures_years.py seeds and flushes it)."""
    from accounts.models import User

    with django_db_blocker.unblock():
        users = {role: User.objects.get(email=email) for role, email in ROLE_EMAILS.items()}
        site = DemoSite(users=users, crawled={})
        for role in CRAWL_ROLES:
            site.crawled[role] = pages.crawl(site.client(role), role)
        data = pages.DemoData(users=users)
        for key, build in pages.EXTRA_PAGES.items():
            path = build(data)
            if not path:
                continue
            site.extra[key] = path
            # Fetched like a crawled page, as the first role that may see it.
            for role in CRAWL_ROLES:
                response = site.client(role).get(path)
                fetched = pages.Fetched(
                    path, role, response.status_code, response.get("Content-Type", "")
                )
                site.crawled[role].setdefault(key, []).append(fetched)
                if fetched.is_html:
                    fetched.html = response.content.decode()
                    break
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            site.sessions[role] = client.cookies["sessionid"].value
    return site


@pytest.fixture(scope="session")
def demo_server(demo_site, django_db_blocker):
    """A live server over the demo data, for the browser."""
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    # The browser keeps its HTTP connections open, and with them the server threads; each must
    # close its database connection after every request, or the test database cannot be
    # dropped at the end of the session.
    db_settings = connections.settings["default"]
    conn_max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    with django_db_blocker.unblock():
        server = LiveServer("127.0.0.1:0")
    server._live_server_modified_settings.enable()
    demo_site.live_url = server.url
    try:
        yield server
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        db_settings["CONN_MAX_AGE"] = conn_max_age


@pytest.fixture(scope="session")
def a11y_browser():
    yield support.acquire_browser()
    support.release_browser()
