"""Registering for an event in a browser: from the list to a confirmed place and an e-mail
with the calendar file."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Registration
from tests.events.factories import EventFactory

pytestmark = pytest.mark.browser


def test_a_citizen_registers_for_an_exchange_meeting(page, sign_in, citizen):
    event = EventFactory(title="登録団体情報交換会 春", capacity=20)
    sign_in(citizen)
    page.goto(reverse("events:list"))
    page.get_by_role("link", name="登録団体情報交換会 春").first.click()
    page.wait_for_url(re.compile(event.get_absolute_url() + "$"))
    assert page.get_by_role("heading", level=1).inner_text().strip() == "登録団体情報交換会 春"

    page.get_by_label("人数").fill("2")
    page.get_by_role("button", name="申し込む").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").count()

    registration = Registration.objects.get(event=event, user=citizen)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.people == 2
    sent = [m for m in mail.outbox if citizen.email in m.to]
    assert sent and any(name.endswith(".ics") for m in sent for name, *_ in m.attachments), (
        "the confirmation carries the event's calendar file"
    )
    # The page now offers to cancel instead of registering again.
    assert page.get_by_role("link", name=re.compile("キャンセル|取り消")).count()
