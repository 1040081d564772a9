"""One "years of data" for the whole session: the demo office, seeded once.

`seed_demo` replays ten fiscal years of the office (groups, bookings, events, page views...) and
is the slowest set-up of the suite, so the tests that need a full office share one copy:
`demo_database` seeds the test database the first time a test asks for it and flushes it at the
end of the session.

The data is committed, so it must never meet a test that counts rows in its own transaction.
Only tests without a per-test database fixture may use it: pytest-django runs those after every
database test, and collection stops with a clear message if a test asks for both.
"""

from __future__ import annotations

import io

import pytest

DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def assert_test_database() -> None:
    """Never seed or flush a real database: pytest-django sets up the test database only when a
    test of the session asks for the database (each module that uses the demo has one that does)."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if not name.startswith("test_"):
        pytest.exit(
            f"Refusing to seed and flush {name!r}: it is not a test database. Run the whole "
            "module (or folder) so that pytest-django creates one.",
            returncode=3,
        )


def pytest_collection_modifyitems(items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "demo_database" not in names:
            continue
        if names & DB_FIXTURES or item.get_closest_marker("django_db"):
            raise pytest.UsageError(
                f"{item.nodeid} uses the session's demo data and a per-test database: the demo's "
                "committed rows would show in other tests' counts. Read the demo data without "
                "django_db (see tests/fixtures_years.py)."
            )


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker):
    """The demo office (`seed_demo`) in the test database, for the rest of the session."""
    from django.core.cache import cache
    from django.core.management import call_command

    with django_db_blocker.unblock():
        assert_test_database()
        cache.clear()
        call_command("seed_demo", force=True, stdout=io.StringIO())
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            cache.clear()
