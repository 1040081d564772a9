"""Sessions are read with one plain statement, and with a kept page's cache rows in the same one
(core/sessions.py, issue #20)."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved():
    store = DjangoStore()
    store["colour"] = "藍"
    store["n"] = 3
    store.save()
    return store.session_key


def test_the_portal_uses_its_own_store(settings):
    assert settings.SESSION_ENGINE == "core.sessions"


def test_a_session_reads_back_as_djangos_store_reads_it(saved, django_assert_num_queries):
    with django_assert_num_queries(1):
        mine = SessionStore(saved).load()
    assert mine == DjangoStore(saved).load() == {"colour": "藍", "n": 3}


def test_an_unknown_or_expired_session_is_empty_and_gets_a_new_key(saved):
    Session.objects.filter(session_key=saved).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    for key in (saved, "nosuchsessionkey12345"):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None  # as Django's: a new session, never the old key


def test_session_and_cache_entries_come_in_one_statement(saved, django_assert_num_queries):
    cache = caches["pages"]
    cache.set("viewer-test:a", {"page": "あ"}, 60)
    store = SessionStore(saved)
    with django_assert_num_queries(1):
        found = store.load_with(cache, ["viewer-test:a", "viewer-test:missing"])
    assert found == {"viewer-test:a": {"page": "あ"}}
    assert store["colour"] == "藍"
    assert store.accessed  # the response varies by cookie, as after any session read


def test_an_expired_cache_entry_is_a_miss(saved, monkeypatch):
    cache = caches["pages"]
    cache.set("viewer-test:old", "x", 60)
    later = timezone.now() + dt.timedelta(seconds=120)
    monkeypatch.setattr("core.sessions.timezone.now", lambda: later)
    store = SessionStore(saved)
    # The session itself lives two weeks: still there two minutes on.
    assert store.load_with(cache, ["viewer-test:old"]) == {}
    assert store["n"] == 3


def test_a_loaded_session_is_not_read_again(saved, django_assert_num_queries):
    cache = caches["pages"]
    store = SessionStore(saved)
    store.load_with(cache, ["viewer-test:a"])
    with django_assert_num_queries(1):  # the cache alone
        store.load_with(cache, ["viewer-test:a"])


def test_an_unknown_session_with_cache_entries(django_assert_num_queries):
    cache = caches["pages"]
    cache.set("viewer-test:b", 2, 60)
    store = SessionStore("nosuchsessionkey12345")
    with django_assert_num_queries(1):
        assert store.load_with(cache, ["viewer-test:b"]) == {"viewer-test:b": 2}
    assert store.session_key is None
    assert dict(store.items()) == {}


def test_a_cache_of_another_kind_is_read_on_its_own(saved, settings):
    from django.core.cache.backends.locmem import LocMemCache

    other = LocMemCache("sessions-test", {})
    other.set("k", 1)
    store = SessionStore(saved)
    assert store.load_with(other, ["k"]) == {"k": 1}
    assert store["n"] == 3  # loaded when first read, as Django does
