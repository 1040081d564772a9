"""Files held for an unsent form go after their retention period (never before their token's
own life), and an address whose subscription record keeps only a hash may subscribe again."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils.functional import empty

from core import personal_data
from core.models import RetentionSettings
from core.uploads import HELD_DIR, private_storage, upload_hold
from newsletter import services as newsletter_services
from newsletter.models import Subscriber

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_private_storage(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


def _held(days_old: float) -> str:
    upload_hold(ContentFile(b"%PDF-1.4 rules"), original_name="規約.pdf", field="rules")
    name = sorted(
        private_storage.listdir(HELD_DIR)[1],
        key=lambda n: private_storage.get_modified_time(f"{HELD_DIR}/{n}"),
    )[-1]
    stamp = (NOW - dt.timedelta(days=days_old)).timestamp()
    os.utime(private_storage.path(f"{HELD_DIR}/{name}"), (stamp, stamp))
    return name


def test_held_uploads_go_after_their_period(settings):
    settings.UPLOAD_HOLD_SECONDS = 3600
    with time_machine.travel(NOW, tick=False):
        row = RetentionSettings.load()
        row.held_uploads_days = 3
        row.save()
        old = _held(4)
        young = _held(2)
        report = personal_data.retain()
        left = set(private_storage.listdir(HELD_DIR)[1])
    assert report.counts[personal_data.HELD_UPLOADS] == 1
    assert old not in left and young in left


def test_a_held_upload_outlives_a_shorter_period_while_its_token_is_valid(settings):
    settings.UPLOAD_HOLD_SECONDS = 3 * 24 * 3600
    with time_machine.travel(NOW, tick=False):
        kept = _held(2)  # the period is one day, but its token still opens it
        personal_data.retain()
        assert kept in private_storage.listdir(HELD_DIR)[1]


def test_an_address_that_left_long_ago_may_subscribe_again(mailoutbox):
    with time_machine.travel(NOW, tick=False):
        old = Subscriber.objects.create(
            email="back@example.net",
            confirmed_at=NOW - dt.timedelta(days=500),
            unsubscribed_at=NOW - dt.timedelta(days=400),
        )
        personal_data.retain()
        old.refresh_from_db()
        assert old.email == personal_data.suppressed_address("back@example.net")
        again = newsletter_services.subscriber_subscribe(email="back@example.net", interests=[])
    assert again.pk != old.pk and again.email == "back@example.net"
    assert Subscriber.objects.count() == 2
