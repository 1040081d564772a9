"""Mailings: who was sent an office message goes with the mail log's period (each row keeps a
keyed hash, so it still stands for one address), newsletter sign-ups never confirmed go with
the unconfirmed sign-ups' period; the job reports what it did."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from core import personal_data
from newsletter.models import OfficeMessage, OfficeMessageDelivery, Subscriber
from tests.factories import UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_office_message_recipients_go_after_the_mail_logs_period(frozen):
    reader = UserFactory(email="rep@example.net", full_name="代表 花子")
    old = OfficeMessage.objects.create(subject="更新のお願い", body="本文", status="sent")
    new = OfficeMessage.objects.create(subject="交流会のお知らせ", body="本文", status="sent")
    sent_long_ago = NOW - dt.timedelta(days=366)
    for message, at in ((old, sent_long_ago), (new, NOW - dt.timedelta(days=5))):
        for email, name, user in (
            ("rep@example.net", "代表 花子", reader),
            ("other@example.net", "別の人", None),
        ):
            OfficeMessageDelivery.objects.create(
                office_message=message,
                email=email,
                name=name,
                user=user,
                sent_at=at,
                status="sent",
            )
    personal_data.retain()
    gone = OfficeMessageDelivery.objects.filter(office_message=old)
    assert sorted(gone.values_list("email", flat=True)) == sorted(
        personal_data.suppressed_address(e) for e in ("rep@example.net", "other@example.net")
    )
    assert set(gone.values_list("name", flat=True)) == {""}
    assert not gone.filter(user__isnull=False).exists()
    assert gone.count() == 2  # the message's figures (how many were sent) stay
    kept = OfficeMessageDelivery.objects.filter(office_message=new)
    assert set(kept.values_list("email", flat=True)) == {"rep@example.net", "other@example.net"}


def test_newsletter_sign_ups_never_confirmed_go_after_a_month(frozen):
    waiting = Subscriber.objects.create(email="maybe@example.net")
    Subscriber.objects.filter(pk=waiting.pk).update(created_at=NOW - dt.timedelta(days=31))
    recent = Subscriber.objects.create(email="soon@example.net")
    reading = Subscriber.objects.create(email="reads@example.net", confirmed_at=NOW)
    Subscriber.objects.filter(pk=reading.pk).update(created_at=NOW - dt.timedelta(days=400))
    personal_data.retain()
    emails = set(Subscriber.objects.values_list("email", flat=True))
    assert emails == {
        personal_data.suppressed_address("maybe@example.net"),
        "soon@example.net",
        "reads@example.net",
    }
    assert recent.pk


def test_the_command_reports_what_it_did_and_a_second_run_nothing(frozen, capsys):
    waiting = Subscriber.objects.create(email="maybe@example.net")
    Subscriber.objects.filter(pk=waiting.pk).update(created_at=NOW - dt.timedelta(days=31))
    call_command("core_personal_data_retain", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "newsletter.unconfirmed_subscriber: 1 anonymised" in out
    assert "1 row(s) anonymised in all" in out
    call_command("core_personal_data_retain")
    assert "0 row(s) anonymised in all" in capsys.readouterr().out


def test_the_worker_runs_the_job_nightly():
    from procrastinate.contrib.django import app

    import core.tasks  # noqa: F401  (registers the tasks)

    task = app.tasks["core.personal_data_retain"]
    crons = [p.cron for p in app.periodic_registry.periodic_tasks.values() if p.task is task]
    assert crons == ["41 3 * * *"]
    assert task.queueing_lock == "core.personal_data_retain"
