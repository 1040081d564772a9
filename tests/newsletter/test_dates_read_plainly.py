"""Days in the newsletter's pages are written as people write them (「2026年12月1日(火) 9:30」),
never ISO's 2026-12-01 (a machine attribute such as <time datetime> aside)."""

import datetime as dt

import pytest
from django.urls import reverse

from core.fiscal import TOKYO
from newsletter.forms import OfficeMessageForm
from newsletter.models import OfficeMessage
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_the_event_message_page_dates_the_messages_sent(client_for, group, member):
    event = EventFactory(
        slug="ours",
        organiser=group,
        start=dt.datetime(2026, 12, 5, 13, 30, tzinfo=TOKYO),
        end=dt.datetime(2026, 12, 5, 15, 30, tzinfo=TOKYO),
    )
    OfficeMessage.objects.create(
        subject="当日の持ち物",
        body="上履きをお持ちください。",
        event=event,
        status=OfficeMessage.Status.SENT,
        sent_by=member,
        sent_at=dt.datetime(2026, 12, 1, 9, 5, tzinfo=TOKYO),
    )
    html = client_for("member").get(reverse("newsletter:event_message", args=[event.slug]))
    html = html.content.decode()
    assert '<time datetime="2026-12-01T09:05:00+09:00">2026年12月1日(火) 9:05</time>' in html
    assert "2026-12-01 09:05" not in html


def test_the_admins_choice_of_events_names_each_by_its_day_in_tokyo():
    # 8:00 in Tokyo is the day before in UTC: the label must say the 5th.
    EventFactory(
        title="朝の清掃交流会",
        start=dt.datetime(2026, 12, 5, 8, 0, tzinfo=TOKYO),
        end=dt.datetime(2026, 12, 5, 10, 0, tzinfo=TOKYO),
    )
    form = OfficeMessageForm()
    labels = [label for _value, label in form.fields["events"].choices]
    assert "2026年12月5日(土) 朝の清掃交流会" in labels
