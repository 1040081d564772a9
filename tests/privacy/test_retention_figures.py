"""The retention job changes no figure: every year's CSV and the all-years CSV are the same
before and after it, while the erased values are gone from every table of the database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.cache import caches
from django.db import models
from django.test import Client

from core import personal_data
from core.models import RetentionSettings
from events.models import Event, RegistrationAnswer
from groups.models import Group
from news.models import Opinion
from newsletter.models import Bounce, Subscriber
from tests.events.factories import EventFactory, RegistrationFactory, RegistrationQuestionFactory
from tests.factories import GroupFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TOKYO)
YEARS = (2023, 2024, 2025)

pytestmark = pytest.mark.django_db


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 14, 0, tzinfo=TOKYO)


def _years_of_data() -> list[str]:
    """Known data in three fiscal years; returns the personal values that must go."""
    erased = []
    for n, fy in enumerate(YEARS):
        for kind in (Event.Kind.EXCHANGE, Event.Kind.SEMINAR):
            start = _at(fy, 6 + n, 10)
            event = EventFactory(kind=kind, start=start, end=start + dt.timedelta(hours=2))
            needs = RegistrationQuestionFactory(event=event, is_accessibility=True, kind="text")
            for i in range(3):
                email = f"guest{fy}{kind}{i}@example.net"
                name = f"来場者{fy}{kind}{i}"
                reg = RegistrationFactory(
                    event=event,
                    guest_name=name,
                    guest_email=email,
                    people=2,
                    attended=True,
                    attended_people=i + 1,
                )
                RegistrationAnswer.objects.create(
                    registration=reg, question=needs, value=f"配慮{fy}{kind}{i}"
                )
                erased += [email, name, f"配慮{fy}{kind}{i}"]
        sub = Subscriber.objects.create(email=f"reader{fy}@example.net")
        Subscriber.objects.filter(pk=sub.pk).update(
            created_at=_at(fy, 5, 1),
            confirmed_at=_at(fy, 5, 1),
            unsubscribed_at=_at(fy + 1, 2, 1),
        )
        erased.append(f"reader{fy}@example.net")
        opinion = Opinion.objects.create(
            topic=Opinion._meta.get_field("topic").choices[0][0],
            message=f"{fy}年度の意見",
            name=f"意見者{fy}",
            email=f"opinion{fy}@example.net",
        )
        Opinion.objects.filter(pk=opinion.pk).update(created_at=_at(fy, 9, 1))
        erased += [f"意見者{fy}", f"opinion{fy}@example.net"]
        GroupFactory(
            status=Group.Status.WITHDRAWN,
            registered_on=_at(fy - 3, 4, 10).date(),
            withdrawn_on=_at(fy, 10, 1).date(),
            representative_phone=f"090-{fy}-0000",
            representative_address=f"市内{fy}番地",
        )
        GroupFactory(registered_on=_at(fy, 5, 20).date())
        erased += [f"090-{fy}-0000", f"市内{fy}番地"]
    Bounce.objects.create(
        email="bounced@example.net", provider="test", event_type="bounced", hard=True
    )
    Bounce.objects.update(received_at=_at(2025, 1, 5))
    erased.append("bounced@example.net")
    return erased


def _figures(client: Client) -> dict[str, bytes]:
    for alias in caches:
        caches[alias].clear()
    found = {"all": client.get("/reports/annual.csv")}
    for fy in YEARS:
        found[str(fy)] = client.get(f"/reports/annual/{fy}.csv")
    for name, response in found.items():
        assert response.status_code == 200, name
    return {name: response.content for name, response in found.items()}


def _text_columns():
    for config in apps.get_app_configs():
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if names:
                yield model, names


def _where_in_database(value: str) -> list[str]:
    """Every table and column whose text holds ``value`` (a search of the whole database)."""
    hits = []
    for model, names in _text_columns():
        for name in names:
            if model._default_manager.filter(**{f"{name}__icontains": value}).exists():
                hits.append(f"{model._meta.label}.{name}")
    return hits


def test_the_retention_job_changes_no_figure_and_erases_the_values(official):
    with time_machine.travel(NOW, tick=False):
        erased = _years_of_data()
        client = Client()
        client.force_login(official)
        before = _figures(client)
        row = RetentionSettings.load()
        for kind in personal_data.RETENTION:
            setattr(row, f"{kind}_days", 1)
        row.save()
        report = personal_data.retain(batch_size=4)
        assert report.counts["events.guest"] == 18
        assert report.counts["events.accessibility_needs"] == 18
        after = _figures(client)
        assert after == before
        table = before["all"].decode()
        assert "exchange_participants,交流会参加者数,,,,6,6,6,0" in table
        assert "withdrawals,登録取消団体数,0,0,0,1,1,1,0" in table
        leftovers = {value: _where_in_database(value) for value in erased}
        assert {value: hits for value, hits in leftovers.items() if hits} == {}
        # A bounced address is still suppressed, by its hash.
        assert Bounce.objects.suppressing(["bounced@example.net"]) == {"bounced@example.net"}
