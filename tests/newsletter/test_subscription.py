"""Subscribing by e-mail: double opt-in, signed links, one-click unsubscribe, interests."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from groups.models import ActivityField
from newsletter import tokens
from newsletter.models import Subscriber
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletter/subscribe/"


@pytest.fixture
def subscribe(client, django_capture_on_commit_callbacks):
    def run(email="hanako@example.jp", interests=(), client=client, **extra):
        data = {"email": email, "agree": "on", "interests": [f.pk for f in interests], **extra}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SUBSCRIBE, data)

    return run


def link_in(message, name):
    match = re.search(rf"https?://\S+/newsletter/{name}/\S+/", message.body)
    assert match, message.body
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_double_opt_in_subscription(client, subscribe):
    fields = list(ActivityField.objects.all()[:2])
    response = subscribe("Hanako@Example.JP", interests=fields)
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:subscribe_sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "hanako@example.jp"
    assert not subscriber.is_receiving  # not before the address is confirmed
    assert set(subscriber.interests.all()) == set(fields)

    assert len(mail.outbox) == 1
    confirm = link_in(mail.outbox[0], "confirm")
    # Opening the link (or a mail scanner fetching it) only shows a button.
    assert client.get(confirm).status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_receiving
    response = client.post(confirm)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_receiving and subscriber.confirmed_at


def test_confirming_twice_says_so_kindly(client, subscribe):
    subscribe()
    confirm = link_in(mail.outbox[0], "confirm")
    client.post(confirm)
    again = client.post(confirm)
    assert again.status_code == 200
    assert "すでに" in again.content.decode()


@pytest.mark.parametrize(
    "bad",
    ["nonsense", "WzEsMV0:1tXyz:abc", "", "a" * 300],
    ids=["garbage", "forged", "empty", "long"],
)
def test_a_tampered_confirmation_link_is_refused_clearly(client, subscribe, bad):
    subscribe()
    token = link_in(mail.outbox[0], "confirm").rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for value in [tampered, bad]:
        if not value:
            continue
        response = client.post(f"/newsletter/confirm/{value}/")
        assert response.status_code == 400
        assert "リンク" in response.content.decode()
    assert not Subscriber.objects.get().is_receiving


def test_a_confirmation_link_from_before_unsubscribing_does_not_resubscribe(client, subscribe):
    subscribe()
    confirm = link_in(mail.outbox[0], "confirm")
    client.post(confirm)
    subscriber = Subscriber.objects.get()
    client.post(reverse("newsletter:unsubscribe", args=[tokens.manage_token(subscriber)]))
    response = client.post(confirm)
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert not subscriber.is_receiving


def test_an_expired_confirmation_link_is_refused(client, subscribe, monkeypatch):
    subscribe()
    confirm = link_in(mail.outbox[0], "confirm")
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE", -1)
    response = client.post(confirm)
    assert response.status_code == 400
    assert "有効期限" in response.content.decode()


@pytest.mark.parametrize("bad", ["not-an-address", "taro@", "@example.jp", "a b@example.jp", ""])
def test_an_address_that_is_not_an_address_is_refused(client, subscribe, bad):
    response = subscribe(bad)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_consent_is_required(client, django_capture_on_commit_callbacks):
    response = client.post(SUBSCRIBE, {"email": "a@example.jp"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_a_second_subscription_of_the_same_address_leaks_nothing_and_loses_nothing(
    client, subscribe
):
    fields = list(ActivityField.objects.all()[:1])
    SubscriberFactory(email="taro@example.jp")
    subscriber = Subscriber.objects.get()
    subscriber.interests.set(fields)
    first = subscribe("new@example.jp")
    second = subscribe("TARO@example.jp", interests=ActivityField.objects.all()[3:6])
    # The visitor sees the same answer whether or not the address was subscribed.
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    # One row per address; the existing subscriber keeps receiving, with its own interests.
    assert Subscriber.objects.filter(email="taro@example.jp").count() == 1
    subscriber.refresh_from_db()
    assert subscriber.is_receiving
    assert list(subscriber.interests.all()) == fields
    # The owner of the address is told, with a link to change the topics themselves.
    notice = [m for m in mail.outbox if m.to == ["taro@example.jp"]]
    assert len(notice) == 1 and "/newsletter/preferences/" in notice[0].body


def test_asking_again_before_confirming_does_not_flood_the_inbox(subscribe):
    subscribe()
    subscribe()
    subscribe()
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_subscription_form_is_rate_limited(subscribe):
    for n in range(10):
        assert subscribe(f"person{n}@example.jp").status_code == 302
    assert subscribe("one-more@example.jp").status_code == 429
    assert not Subscriber.objects.filter(email="one-more@example.jp").exists()


def test_one_click_unsubscribe_works_without_a_csrf_token(subscribe):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[tokens.manage_token(subscriber)])
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at and not subscriber.is_receiving
    # Doing it again is harmless and says so.
    again = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert "すでに" in again.content.decode()


def test_unsubscribe_page_shows_a_button_and_a_get_changes_nothing(client):
    subscriber = SubscriberFactory()
    url = reverse("newsletter:unsubscribe", args=[tokens.manage_token(subscriber)])
    html = client.get(url).content.decode()
    assert '<form method="post"' in html
    subscriber.refresh_from_db()
    assert subscriber.is_receiving


def test_a_tampered_unsubscribe_link_is_refused(client):
    subscriber = SubscriberFactory()
    token = tokens.manage_token(subscriber)
    _pk, sig = token.split(":", 1)
    other = SubscriberFactory()
    for bad in [f"{other.pk}:{sig}", token + "x", "abc"]:
        response = client.post(f"/newsletter/unsubscribe/{bad}/")
        assert response.status_code == 400
    subscriber.refresh_from_db()
    other.refresh_from_db()
    assert subscriber.is_receiving and other.is_receiving


def test_subscribers_choose_their_topics(client):
    subscriber = SubscriberFactory()
    fields = list(ActivityField.objects.all()[:3])
    url = reverse("newsletter:preferences", args=[tokens.manage_token(subscriber)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"interests": [f.pk for f in fields]})
    assert response.status_code == 302
    assert set(subscriber.interests.all()) == set(fields)


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(client, subscribe):
    subscriber = SubscriberFactory(email="back@example.jp")
    client.post(reverse("newsletter:unsubscribe", args=[tokens.manage_token(subscriber)]))
    subscribe("back@example.jp")
    subscriber.refresh_from_db()
    assert not subscriber.is_receiving
    client.post(link_in(mail.outbox[-1], "confirm"))
    subscriber.refresh_from_db()
    assert subscriber.is_receiving and subscriber.unsubscribed_at is None


def test_signed_in_visitors_find_their_address_filled_in(client_for):
    html = client_for("citizen").get(SUBSCRIBE).content.decode()
    assert 'value="citizen@example.org"' in html
