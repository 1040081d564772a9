"""Guests without an account register with name and e-mail and confirm by a link."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events import services, tokens
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

S = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_event(db):
    return EventFactory(
        slug="open-day",
        title="市民活動入門講座",
        allow_guests=True,
        capacity=3,
        guest_max_party_size=3,
    )


def guest_post(client, event, **data):
    payload = {"name": "高橋 由美", "email": "yumi@example.net", "people": 1, **data}
    return client.post(reverse("events:register_guest", args=[event.slug]), payload)


def link_from(message) -> str:
    return re.search(r"https?://\S+/guest/\S+/confirm/", message.body).group(0)


def test_guest_registers_confirms_by_link_and_gets_the_ics(client, open_event, commit):
    with commit():
        page = guest_post(client, open_event, people=2)
    assert "メールをご確認ください" in page.content.decode()
    registration = Registration.objects.get()
    assert registration.status == S.PENDING_GUEST
    assert open_event.places_left() == 1  # the place is held meanwhile
    (message,) = mail.outbox
    assert message.to == ["yumi@example.net"]
    path = link_from(message).replace("https://kyodo.example.jp", "")
    # Opening the link (as a mail scanner would) changes nothing.
    page = client.get(path)
    assert "申し込みを確定する" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.PENDING_GUEST
    mail.outbox.clear()
    with commit():
        page = client.post(path, follow=True)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert "申し込みが完了しました" in page.content.decode()
    assert "申し込みを取り消す" in page.content.decode()  # the guest's own page
    assert mail.outbox[0].attachments[0][0] == "event.ics"


def test_guests_are_refused_when_the_event_does_not_allow_them(client, event):
    response = guest_post(client, event)
    assert "ログインが必要です" in response.content.decode()
    assert not Registration.objects.exists()


def test_guest_form_errors_are_clear_japanese(client, open_event):
    page = guest_post(client, open_event, name="", email="not-an-address")
    text = page.content.decode()
    assert "氏名を入力してください" in text
    assert "メールアドレスを正しく入力してください" in text
    assert not Registration.objects.exists()


def test_honeypot_stops_bots(client, open_event):
    page = guest_post(client, open_event, website_url="http://spam.example")
    assert page.status_code == 200
    assert not Registration.objects.exists()


def test_same_email_twice_is_refused(client, open_event):
    guest_post(client, open_event)
    page = guest_post(client, open_event, email="YUMI@example.net")
    assert "確認待ちです" in page.content.decode()
    assert Registration.objects.count() == 1


def test_unconfirmed_place_is_released_by_the_command_and_the_queue_moves_up(open_event, commit):
    held = services.registration_create_guest(
        event=open_event, name="高橋 由美", email="yumi@example.net", people=1
    )
    RegistrationFactory(event=open_event, people=2)
    from tests.factories import UserFactory

    waiting = services.registration_create(actor=UserFactory(), event=open_event)
    assert waiting.status == S.WAITLISTED
    later = timezone.now() + dt.timedelta(minutes=services.guest_confirm_minutes() + 1)
    with commit():
        assert services.registrations_release_expired(now=later) == 1
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == S.CANCELLED
    assert waiting.status == S.CONFIRMED
    assert any("繰り上げ" in m.subject for m in mail.outbox)


def test_release_command_runs(open_event):
    services.registration_create_guest(event=open_event, name="高橋", email="t@example.net")
    Registration.objects.update(confirm_by=timezone.now() - dt.timedelta(minutes=1))
    call_command("events_unconfirmed_release", stdout=io.StringIO())
    assert Registration.objects.get().status == S.CANCELLED


def test_expired_places_are_free_on_read_and_the_late_click_is_refused(client, open_event):
    held = services.registration_create_guest(
        event=open_event, name="高橋", email="t@example.net", people=3
    )
    assert open_event.places_left() == 0
    Registration.objects.update(confirm_by=timezone.now() - dt.timedelta(seconds=1))
    assert open_event.places_left() == 3  # not counted once the time limit passed
    token = tokens.guest_confirm_token(held)
    page = client.post(reverse("events:guest_confirm", args=[token]), follow=True)
    assert "確認の期限が過ぎたため" in page.content.decode()
    held.refresh_from_db()
    assert held.status == S.PENDING_GUEST  # the cron job will mark it released


def test_next_registration_releases_expired_places_first(open_event):
    services.registration_create_guest(
        event=open_event, name="高橋", email="t@example.net", people=3
    )
    Registration.objects.update(confirm_by=timezone.now() - dt.timedelta(seconds=1))
    from tests.factories import UserFactory

    registration = services.registration_create(actor=UserFactory(), event=open_event, people=3)
    assert registration.status == S.CONFIRMED
    assert Registration.objects.filter(status=S.CANCELLED).count() == 1


def test_forged_or_garbled_tokens_give_404(client, open_event):
    held = services.registration_create_guest(event=open_event, name="高橋", email="t@example.net")
    good = tokens.guest_confirm_token(held)
    assert client.get(reverse("events:guest_confirm", args=[good[:-3] + "abc"])).status_code == 404
    assert client.get(reverse("events:guest_confirm", args=["garbage"])).status_code == 404
    # A manage token does not confirm, and the reverse.
    manage = tokens.guest_manage_token(held)
    assert client.get(reverse("events:guest_confirm", args=[manage])).status_code == 404
    assert client.get(reverse("events:guest_manage", args=[good])).status_code == 404


def test_guest_cancels_from_their_page(client, open_event):
    held = services.registration_create_guest(event=open_event, name="高橋", email="t@example.net")
    services.registration_confirm_guest(registration=held)
    # Cancelling asks first (tests/events/test_guest_cancel_asks_first.py).
    url = reverse("events:guest_cancel", args=[tokens.guest_manage_token(held)])
    page = client.post(url, follow=True)
    assert "申し込みを取り消しました" in page.content.decode()
    held.refresh_from_db()
    assert held.status == S.CANCELLED


def test_guest_who_registered_when_full_joins_the_queue_on_confirmation(open_event):
    RegistrationFactory(event=open_event, people=3)
    held = services.registration_create_guest(event=open_event, name="高橋", email="t@example.net")
    assert held.status_on_confirm == S.WAITLISTED
    confirmed = services.registration_confirm_guest(registration=held)
    assert confirmed.status == S.WAITLISTED
    assert confirmed.waitlist_position == 1
