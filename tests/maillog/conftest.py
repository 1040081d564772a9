"""The mail log in front of locmem, as in production it is in front of the real backend.

Django's test set-up replaces EMAIL_BACKEND with locmem; here the portal's own backend is put
back, with locmem inside it (``mail.outbox`` still fills). The clock stands still at a working
Tuesday morning in Japan, so bookings and events fall on open days whatever the real date.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from core.fiscal import TOKYO

NOW = dt.datetime(2026, 6, 9, 9, 30, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def mail_log(settings):
    settings.EMAIL_BACKEND = "maillog.backends.LoggingEmailBackend"
    settings.MAILLOG_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://kyodo.example.jp"


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the mails that services send after their transaction."""

    def make():
        return django_capture_on_commit_callbacks(execute=True)

    return make
