"""Fixtures for every role the portal knows, and helpers shared by the test modules."""

import os
import random
import zlib

import factory.random
import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from accounts.roles import make_committee_member, make_official, make_staff
from groups.models import Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory

# Fixed clocks for the tests marked date_sensitive, and --clock (tests/clock.py); the session's
# one "years of data", the seeded demo office (tests/fixtures_years.py).
pytest_plugins = ["tests.clock", "tests.fixtures_years", "tests.collaboration.fixtures"]

# Hypothesis draws the same examples on every run and machine ("kyodo"); set
# HYPOTHESIS_PROFILE=explore to let it search afresh while working on a form.
hypothesis_settings.register_profile("kyodo", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kyodo"))

ROLES = [
    "anonymous",
    "citizen",
    "other_member",
    "member",
    "representative",
    "staff",
    "official",
]


@pytest.fixture(scope="session", autouse=True)
def _end_stray_test_database_sessions(django_db_setup, django_db_blocker):
    """Live-server threads may leave a connection open; end them so the test database drops."""
    yield
    import psycopg
    from django.db import connections

    from kyodo_office.database import _connect_params

    settings_dict = connections["default"].settings_dict
    connections.close_all()
    try:
        with psycopg.connect(**_connect_params(settings_dict, "postgres"), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [settings_dict["NAME"]],
            )
    except psycopg.Error:
        pass  # nothing to end, or no rights: pytest-django then reports what is left


def _uses_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"db", "transactional_db"}) or bool(item.get_closest_marker("django_db"))


@pytest.fixture(scope="session", autouse=True)
def _office_footer_read_before_the_tests(request, django_db_blocker):
    """The footer on every page is read once and kept (pages/footer.py): read it now, so that
    no test's query count depends on whether an earlier test read it. A session whose tests
    need no database (e.g. the import contracts alone) builds no test database for it."""
    if not any(_uses_database(item) for item in request.session.items):
        return
    request.getfixturevalue("django_db_setup")
    from pages.footer import office_footer

    with django_db_blocker.unblock():
        office_footer()


def _transactional_kind(item) -> tuple[bool, bool]:
    """(transactional, serialized) for a test, decided as pytest-django's ``_django_db_helper``
    decides them: from the django_db marker and the database fixtures the test asks for."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    transactional = serialized = False
    if marker:
        transactional, reset_sequences, _dbs, serialized, _apps = validate_django_db(marker)
        transactional = transactional or reset_sequences
    names = set(getattr(item, "fixturenames", ()))
    transactional = transactional or bool(
        names & {"transactional_db", "live_server", "django_db_reset_sequences"}
    )
    serialized = serialized or "django_db_serialized_rollback" in names
    return transactional, transactional and serialized


_SERIALIZED_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_kept(django_db_setup):
    """The migrations' rows as Django serialized them when it made the test database, kept
    here too: Django keeps them on the connection object of that moment, and once Playwright's
    sync API has run (the browser tests) the main thread gets other connection objects (the
    connections live in a context-local store), without them, so a serialized test after a
    browser test loaded nothing."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        _SERIALIZED_CONTENTS["default"] = contents


def _has_serialized_contents() -> bool:
    from django.db import connection

    if not hasattr(connection, "_test_serialized_contents") and "default" in _SERIALIZED_CONTENTS:
        connection._test_serialized_contents = _SERIALIZED_CONTENTS["default"]
    return hasattr(connection, "_test_serialized_contents")


def _post_migrate_rows_present() -> bool:
    """The rows every flush of a test database makes again through post_migrate: the Site and
    the role groups (with the content types and permissions made just before them)."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.contrib.sites.models import Site

    from accounts.roles import COMMITTEE_GROUP, OFFICIALS_GROUP, STAFF_GROUP

    roles = {STAFF_GROUP, OFFICIALS_GROUP, COMMITTEE_GROUP}
    return Site.objects.filter(pk=settings.SITE_ID).exists() and Group.objects.filter(
        name__in=roles
    ).count() == len(roles)


def _database_is_empty() -> bool:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    return not any(m.objects.exists() for m in (ContentType, Permission, Group, Site))


_NEXT_ITEM = pytest.StashKey[object]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Tell a test's fixtures, as they end, which test comes next (None: the last one)."""
    item.stash[_NEXT_ITEM] = nextitem


@pytest.fixture
def _transactional_database_as_a_flush_leaves_it(request, django_db_setup, django_db_blocker):
    """Transactional tests in any order (issue #20's review).

    Between transactional tests Django flushes the database. A plain flush (a test without
    ``serialized_rollback``) runs post_migrate, which makes the Site, the content types, the
    permissions and the role groups again, under new ids; a serialized test's flush does not
    (Django inhibits post_migrate there), and the serialized test then loads the rows the
    migrations made, under their first ids. So, run alone, a serialized test after a plain one
    failed on a duplicate "Staff" group, and a plain one after a serialized one found no Site
    nor roles. Around pytest-django's own set-up (``_django_db_helper`` below):

    - before a serialized test, tables that hold rows are emptied (a flush without
      post_migrate), so its rows load under their first ids without a duplicate;
    - after a serialized test, post_migrate runs as after a plain flush, unless the next test
      is serialized too (it would only empty the tables again): whatever comes next, a plain
      transactional test or the session's demo office, finds the Site and the roles;
    - before a plain transactional test, post_migrate runs if its rows are missing anyway.
    """
    transactional, serialized = _transactional_kind(request.node)
    serialized = serialized and _has_serialized_contents()
    if not transactional:
        yield
        return
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal

    with django_db_blocker.unblock():
        if serialized and not _database_is_empty():
            # As Django's own flush between tests: sequences go on (the loaded rows keep ids).
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
        elif not serialized and not _post_migrate_rows_present():
            emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    yield
    if serialized:
        nextitem = request.node.stash.get(_NEXT_ITEM, None)
        next_serialized = nextitem is not None and _transactional_kind(nextitem)[1]
        if not next_serialized:
            with django_db_blocker.unblock():
                emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture
def _django_db_helper(request, _transactional_database_as_a_flush_leaves_it, _django_db_helper):
    """pytest-django's per-test database (``db``, ``transactional_db`` and the django_db marker
    all come here), inside ``_transactional_database_as_a_flush_leaves_it``: that one is set up
    before a serialized test's rows load and ends after the closing flush."""
    if _transactional_kind(request.node)[1]:
        from django.contrib.contenttypes.models import ContentType

        # The rows loaded under their first ids: forget the ids the previous test's flush made.
        ContentType.objects.clear_cache()
    yield


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Japanese), whatever the test before left
    active: a request through the test client activates its visitor's language in the thread
    and nothing deactivates it (a test expecting Japanese messages failed when it ran right
    after one whose last request was in English)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _seeded_randomness(request):
    """Python's and factory_boy's (with Faker's) random numbers repeat for each test: the seed
    is the test's own id, so a test never passes or fails by the luck of the draw."""
    seed = zlib.crc32(request.node.nodeid.encode())
    random.seed(seed)
    factory.random.reseed_random(seed)


@pytest.fixture
def group(db):
    return GroupFactory(name="子ども食堂ネットワーク", name_kana="こどもしょくどうねっとわーく")


@pytest.fixture
def other_group(db):
    return GroupFactory(name="環境を守る会", name_kana="かんきょうをまもるかい")


@pytest.fixture
def citizen(db):
    return UserFactory(email="citizen@example.org")


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(email="member@example.org")).user


@pytest.fixture
def representative(group):
    return MembershipFactory(
        group=group, user=UserFactory(email="rep@example.org"), role=Membership.Role.REPRESENTATIVE
    ).user


@pytest.fixture
def other_member(other_group):
    return MembershipFactory(group=other_group, user=UserFactory(email="other@example.org")).user


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@example.org")
    make_staff(user)
    return user


@pytest.fixture
def official(db):
    user = UserFactory(email="official@example.org")
    make_official(user)
    return user


@pytest.fixture
def committee(db):
    """A member of the operating / review committee (accounts.roles, issue 17 part 5)."""
    user = UserFactory(email="committee@example.org")
    make_committee_member(user)
    return user


@pytest.fixture
def client_for(db, request):
    """client_for("member") → a test client signed in as that role (or anonymous)."""

    def make(role: str) -> Client:
        c = Client()
        if role != "anonymous":
            c.force_login(request.getfixturevalue(role))
        return c

    return make


@pytest.fixture
def ja(settings):
    settings.LANGUAGE_CODE = "ja"
