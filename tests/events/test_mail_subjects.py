"""The events' mails start as every mail of the portal does (「[まちづくり協働オフィス] 」) and are
written in the office's language: a place handed on from the waiting list reaches someone other
than the person whose English page freed it."""

import pytest
from django.core import mail
from django.utils import translation

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, at
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_day")]

PREFIX = "[まちづくり協働オフィス] "


def test_a_place_freed_from_an_english_page_is_announced_in_japanese(commit):
    event = EventFactory(title="登録団体情報交換会", capacity=1, start=at(3, 14), waiting_list=True)
    leaving = UserFactory()
    waiting = UserFactory(email="waiting@example.org")
    with commit():
        mine = services.registration_create(actor=leaving, event=event, people=1)
        services.registration_create(actor=waiting, event=event, people=1)
    mail.outbox.clear()
    with translation.override("en"), commit():
        services.registration_cancel(actor=leaving, registration=mine)
    (promoted,) = [m for m in mail.outbox if m.to == ["waiting@example.org"]]
    assert promoted.subject.startswith(PREFIX + "【繰り上げ当選】登録団体情報交換会")
    assert "キャンセル待ちから繰り上がり" in promoted.body
    assert Registration.objects.get(user=waiting).status == Registration.Status.CONFIRMED


def test_every_events_mail_starts_with_the_portals_prefix(commit):
    event = EventFactory(title="市民活動入門講座", capacity=5, start=at(3, 14), allow_guests=True)
    with translation.override("en"), commit():
        services.registration_create(actor=UserFactory(), event=event, people=1)
        services.registration_create_guest(event=event, name="高橋", email="t@example.net")
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith(PREFIX + "【") for m in mail.outbox), [
        m.subject for m in mail.outbox
    ]
