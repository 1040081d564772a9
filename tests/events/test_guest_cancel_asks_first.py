"""A guest cancels from the page their mail links to, and cancelling asks first on a page of
its own (as an account's cancelling does): the guest's page links to it, GET says what will
happen with a way back to the guest's page, and only that page's form (a POST) cancels."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from core.fiscal import TOKYO
from events import services, tokens
from events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory

S = Registration.Status
pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def event(db):
    return EventFactory(
        slug="guest-seminar",
        title="市民活動入門講座",
        allow_guests=True,
        capacity=3,
        guest_max_party_size=3,
        waiting_list=True,
        start=dt.datetime(2026, 12, 8, 14, 0, tzinfo=TOKYO),
        end=dt.datetime(2026, 12, 8, 16, 0, tzinfo=TOKYO),
    )


def _guest(event, *, people=2, email="yumi@example.net"):
    held = services.registration_create_guest(
        event=event, name="高橋 由美", email=email, people=people
    )
    return services.registration_confirm_guest(registration=held)


def _urls(registration):
    token = tokens.guest_manage_token(registration)
    return (
        reverse("events:guest_manage", args=[token]),
        reverse("events:guest_cancel", args=[token]),
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_guests_page_links_to_a_confirmation_and_posts_nothing(client, event):
    guest = _guest(event)
    manage_url, cancel_url = _urls(guest)
    page = text_of(client.get(manage_url))
    assert f'<a class="button button--danger" href="{cancel_url}">申し込みを取り消す</a>' in page
    # No form on the guest's page cancels at once (the layout's own forms aside).
    assert 'class="button--danger"' not in page
    assert '<form method="post">' not in page


def test_the_confirmation_shows_the_registration_and_cancels_nothing(client, event):
    guest = _guest(event)
    manage_url, cancel_url = _urls(guest)
    response = client.get(cancel_url)
    page = text_of(response)
    assert response.status_code == 200
    assert "<h1>申し込みを取り消す</h1>" in page
    assert event.title in page and "2026年12月8日(火) 14:00〜16:00" in page
    assert "2名" in page
    assert "あなたの席は空き、ほかの方が申し込めるようになります" in page
    assert '<button type="submit" class="button--danger">申し込みを取り消す</button>' in page
    # The way back is the guest's own page (a guest has no My Page).
    assert f'<a href="{manage_url}">申し込みを取り消さない</a>' in page
    guest.refresh_from_db()
    assert guest.status == S.CONFIRMED


def test_posting_the_confirmation_cancels_and_hands_the_place_on(client, event):
    guest = _guest(event, people=2)
    RegistrationFactory(event=event, people=1)
    waiting = RegistrationFactory(event=event, people=1, status=S.WAITLISTED, waitlist_position=1)
    manage_url, cancel_url = _urls(guest)
    assert "席はすぐにキャンセル待ちの次の方に移り" in text_of(client.get(cancel_url))
    response = client.post(cancel_url)
    assert response.status_code == 302 and response["Location"] == manage_url
    page = text_of(client.get(manage_url))
    assert "申し込みを取り消しました" in page
    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == S.CANCELLED
    assert waiting.status == S.CONFIRMED
    # Nothing left to cancel: the page offers no button, the confirmation sends back.
    assert "button--danger" not in page
    response = client.get(cancel_url)
    assert response.status_code == 302 and response["Location"] == manage_url


def test_a_post_to_the_guests_page_asks_first_and_cancels_nothing(client, event):
    """A page left open from before, with its one-tap button: it now leads to the question."""
    guest = _guest(event)
    _, cancel_url = _urls(guest)
    manage_url = reverse("events:guest_manage", args=[tokens.guest_manage_token(guest)])
    response = client.post(manage_url)
    assert response.status_code == 302 and response["Location"] == cancel_url
    guest.refresh_from_db()
    assert guest.status == S.CONFIRMED


def test_a_waiting_guest_is_asked_about_leaving_the_waiting_list(client, event):
    RegistrationFactory(event=event, people=3)
    guest = _guest(event, people=1)
    assert guest.status == S.WAITLISTED
    manage_url, cancel_url = _urls(guest)
    assert "キャンセル待ちをやめる" in text_of(client.get(manage_url))
    page = text_of(client.get(cancel_url))
    assert "<h1>キャンセル待ちをやめる</h1>" in page
    assert "キャンセル待ちの1番目" in page
    assert f'<a href="{manage_url}">キャンセル待ちを続ける</a>' in page


def test_after_the_start_the_confirmation_says_to_contact_the_office(client, event):
    guest = _guest(event)
    _, cancel_url = _urls(guest)
    with time_machine.travel(event.start + dt.timedelta(minutes=5), tick=False):
        page = text_of(client.get(cancel_url))
        client.post(cancel_url)
    assert "イベントはすでに始まっています" in page
    assert 'class="button--danger"' not in page
    guest.refresh_from_db()
    assert guest.status == S.CONFIRMED


def test_a_confirm_token_or_a_forged_one_opens_no_confirmation(client, event):
    held = services.registration_create_guest(event=event, name="高橋", email="t@example.net")
    confirm_token = tokens.guest_confirm_token(held)
    assert client.get(reverse("events:guest_cancel", args=[confirm_token])).status_code == 404
    assert client.post(reverse("events:guest_cancel", args=["garbage"])).status_code == 404
    held.refresh_from_db()
    assert held.status == S.PENDING_GUEST
