"""The retention job killed mid-way resumes without damage: whole batches are done, the rest
waits for the next run, and no row is done twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core import personal_data
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_run_killed_between_batches_resumes(monkeypatch):
    with time_machine.travel(NOW, tick=False):
        end = NOW - dt.timedelta(days=500)
        event = EventFactory(start=end - dt.timedelta(hours=2), end=end, capacity=50)
        RegistrationFactory.create_batch(7, event=event)
        guest = personal_data.holding("events.guest")
        real_apply = personal_data.Holding.apply
        calls = {"n": 0}

        def dies_on_the_third_batch(self, queryset):
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt("killed")
            return real_apply(self, queryset)

        monkeypatch.setattr(personal_data.Holding, "apply", dies_on_the_third_batch)
        with pytest.raises(KeyboardInterrupt):
            personal_data.retain_holding(guest, batch_size=2)
        assert Registration.objects.filter(guest_email="").count() == 4  # two whole batches
        monkeypatch.setattr(personal_data.Holding, "apply", real_apply)
        report = personal_data.retain(batch_size=2)
        assert report.counts["events.guest"] == 3
        assert Registration.objects.filter(guest_email="").count() == 7
        assert Registration.objects.count() == 7
