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
