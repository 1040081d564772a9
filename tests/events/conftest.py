"""Fixtures shared by the events tests."""

import pytest
from django.core.cache import cache

from accounts.roles import sync_role_permissions
from tests.events.factories import EventFactory


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://kyodo.example.jp"


@pytest.fixture
def event(db):
    return EventFactory(slug="koryukai", title="登録団体情報交換会", capacity=10)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the e-mails that services send after their transaction."""

    def make():
        return django_capture_on_commit_callbacks(execute=True)

    return make


@pytest.fixture
def staff(staff):
    """The Staff group's permissions include the events models (see accounts' post_migrate:
    it runs before later apps' permissions exist in a fresh test database)."""
    sync_role_permissions()
    return staff


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits live in the shared cache: start every test with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_the_day():
    """A frozen clock at 10:00 (Asia/Tokyo) on 2026-12-01: an event made with ``at(0, 14)``
    takes registrations until 14:00 and its attendance may be recorded (from 00:00 that day)."""
    import datetime as dt

    import time_machine

    from core.fiscal import TOKYO

    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO), tick=False) as t:
        yield t
