"""Rate limits: log in, sign up and password reset (django-allauth), and the portal's own
forms (django-ratelimit). Counters live in the shared database cache, so every app server
counts together. The client's address is REMOTE_ADDR: a forged X-Forwarded-For does not reset
a limit. Behind proxies (ALLAUTH_TRUSTED_PROXY_COUNT) both libraries take the same entry of
X-Forwarded-For (core/clientip.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def limit_of(action: str) -> int:
    """The per-IP count of an allauth rate limit, e.g. "30/m/ip" -> 30."""
    for part in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _period, *key = part.split("/")
        if key == ["ip"]:
            return int(amount)
    raise AssertionError(f"{action} has no per-IP limit")


def test_login_attempts_from_one_address_are_limited(client):
    limit = limit_of("login")
    for i in range(limit):
        response = client.post(
            reverse("account_login"), {"login": f"nobody{i}@example.org", "password": "x"}
        )
        assert response.status_code == 200, i
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "試行回数が多すぎます" in html  # the portal's page, in Japanese
    assert '<main id="main"' in html


def test_a_forged_forwarded_for_header_does_not_reset_the_limit(client):
    limit = limit_of("login")
    for i in range(limit):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{i}@example.org", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    response = client.post(
        reverse("account_login"),
        {"login": "a@example.org", "password": "x"},
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429


def test_failed_logins_lock_the_address_even_for_the_right_password(client, citizen):
    for i in range(limit_of("login_failed")):
        client.post(reverse("account_login"), {"login": f"x{i}@example.org", "password": "bad"})
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": "pw-for-tests-2026"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_another_address_is_not_affected(client, citizen):
    for i in range(limit_of("login") + 1):
        client.post(reverse("account_login"), {"login": f"n{i}@example.org", "password": "x"})
    response = client.post(
        reverse("account_login"),
        {"login": citizen.email, "password": "pw-for-tests-2026"},
        REMOTE_ADDR="192.0.2.77",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_sign_ups_from_one_address_are_limited_and_the_refused_one_saves_nothing(client):
    limit = limit_of("signup")
    for i in range(limit):
        client.post(reverse("account_signup"), {"email": f"bad-{i}", "full_name": "x"})
    response = client.post(
        reverse("account_signup"),
        {
            "email": "late@example.org",
            "full_name": "遅い 人",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
        },
    )
    assert response.status_code == 429
    assert not User.objects.filter(email="late@example.org").exists()
    assert not mail.outbox


def test_password_reset_mails_are_limited_per_address(client, citizen):
    sent = 0
    statuses = []
    for _ in range(8):
        response = client.post(reverse("account_reset_password"), {"email": citizen.email})
        statuses.append(response.status_code)
    sent = len(mail.outbox)
    assert 429 in statuses
    assert 1 <= sent <= 5, statuses  # never a flood of mails to one person


# --- The portal's own forms (django-ratelimit in the shared cache).
def _posts_until_refused(client, url, data_for, limit: int) -> list[int]:
    return [client.post(url, data_for(i)).status_code for i in range(limit + 1)]


def test_the_group_contact_form_is_limited_per_address(client, group, representative):
    from groups.views import CONTACT_RATE

    limit = int(CONTACT_RATE.split("/")[0])
    url = reverse("groups:contact", kwargs={"slug": group.slug})
    statuses = _posts_until_refused(
        client,
        url,
        lambda i: {
            "sender_name": "送信 太郎",
            "sender_email": f"sender{i}@example.org",
            "subject": f"お問い合わせ {i}",
            "message": "活動に参加したいです。",
        },
        limit,
    )
    assert statuses[:limit] == [302] * limit, statuses
    assert statuses[limit] == 429
    assert "試行回数が多すぎます" in client.post(url, {}).content.decode()


def test_newsletter_subscriptions_are_limited_per_address_and_per_mailbox(client):
    from newsletter.models import Subscriber

    url = reverse("newsletter:subscribe")
    # One inbox cannot be flooded with confirmation mails, even from many addresses.
    statuses = [
        client.post(
            url, {"email": "target@example.org", "agree": "on"}, REMOTE_ADDR=f"192.0.2.{i}"
        ).status_code
        for i in range(4)
    ]
    assert statuses[-1] == 429, statuses
    # And one address cannot subscribe the whole world.
    statuses = [
        client.post(url, {"email": f"reader{i}@example.org", "agree": "on"}).status_code
        for i in range(11)
    ]
    assert statuses[-1] == 429, statuses
    assert not Subscriber.objects.filter(email="reader10@example.org").exists()


def test_the_opinion_box_is_limited(client):
    url = reverse("opinion:form")
    statuses = [client.post(url, {"message": f"意見 {i}"}).status_code for i in range(6)]
    assert statuses[-1] == 429, statuses


def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(client, group, settings):
    # One proxy in front: it appends the address it saw; what the client wrote before is ignored.
    from groups.views import CONTACT_RATE

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limit = int(CONTACT_RATE.split("/")[0])
    url = reverse("groups:contact", kwargs={"slug": group.slug})

    def post(i, forwarded):
        return client.post(
            url,
            {
                "sender_name": "送信 太郎",
                "sender_email": f"sender{i}@example.org",
                "subject": f"お問い合わせ {i}",
                "message": "活動に参加したいです。",
            },
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    # One visitor, whatever they put in front of the proxy's entry, reaches the limit...
    statuses = [post(i, f"198.51.100.{i}, 203.0.113.5") for i in range(limit + 1)]
    assert statuses == [302] * limit + [429], statuses
    # ...and another visitor behind the same proxy is not affected.
    assert post(limit + 1, "203.0.113.6") == 302


# --- The admin's log-in: the same rule and the same counters as the portal's (issue #12, 2).
PASSWORD = "pw-for-tests-2026"


def admin_login(client, email, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": email, "password": password, "next": "/admin/"},
        **extra,
    )


def portal_login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_wrong_passwords_at_the_admin_lock_the_account_even_for_the_right_one(client, staff):
    # Five guesses from five addresses: the per-account count ("5/5m/key") is what stops them.
    for i in range(5):
        response = admin_login(client, staff.email, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i}")
        assert response.status_code == 200
    response = admin_login(client, staff.email, PASSWORD, REMOTE_ADDR="192.0.2.50")
    assert "_auth_user_id" not in client.session
    assert "ログイン失敗が連続しています" in response.content.decode()  # said in Japanese


def test_failures_at_the_admin_and_at_the_portal_add_up(client, staff):
    for i in range(3):
        portal_login(client, staff.email, f"guess-{i}", REMOTE_ADDR=f"198.51.100.{i}")
    for i in range(3, 5):
        admin_login(client, staff.email, f"guess-{i}", REMOTE_ADDR=f"198.51.100.{i}")
    admin_login(client, staff.email, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "_auth_user_id" not in client.session
    portal_login(client, staff.email, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_many_accounts_at_the_admin_is_stopped(client, staff):
    for i in range(limit_of("login_failed")):
        admin_login(client, f"nobody{i}@example.org", "guess")
    admin_login(client, staff.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_the_right_password_at_the_admin_still_works_after_a_slip(client, staff):
    admin_login(client, staff.email, "typo")
    response = admin_login(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


# --- One helper for the portal's own limits (core/ratelimit.py).
def test_the_portal_limits_count_per_scope_and_per_address(rf):
    from core.ratelimit import limit_hit

    def post(address):
        return rf.post("/", REMOTE_ADDR=address)

    hits = [limit_hit(post("192.0.2.1"), scope="test-scope", rate="3/h") for _ in range(4)]
    assert hits == [False, False, False, True]
    assert not limit_hit(post("192.0.2.2"), scope="test-scope", rate="3/h")
    assert not limit_hit(post("192.0.2.1"), scope="another-scope", rate="3/h")
    # A GET never counts.
    assert not limit_hit(rf.get("/", REMOTE_ADDR="192.0.2.1"), scope="test-scope", rate="3/h")


def test_a_page_flood_never_wipes_the_rate_limit_counters(client, citizen, settings):
    """Issue #12, 6: anonymous GETs with distinct query strings filled the shared cache, and
    culling it wiped allauth's records: a locked-out account could log in again."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    # Every cache table full after 20 entries: the flood below is 30,000 pages in miniature.
    settings.CACHES = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": 20}}
        for alias, config in settings.CACHES.items()
    }
    for i in range(5):
        portal_login(client, citizen.email, f"guess-{i}", REMOTE_ADDR=f"203.0.113.{i}")
    directory = reverse("groups:directory")
    for i in range(50):
        Client().get(directory, {"q": f"flood-{i}"}, REMOTE_ADDR=f"2001:db8:{i:x}::1")
        Client().get(directory, {"utm_source": f"flood-{i}"})
    portal_login(client, citizen.email, PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert "_auth_user_id" not in client.session


def test_people_are_counted_by_network_where_one_line_has_many_addresses():
    from core.clientip import client_network

    assert client_network("203.0.113.77") == "203.0.113.0/24"
    assert client_network("2001:db8:5:7:abcd::1") == "2001:db8:5:7::/64"
    assert client_network("::ffff:203.0.113.7") == "203.0.113.0/24"
    assert client_network("not an address") == "not an address"


def test_a_view_behind_the_decorator_answers_the_portals_429_page(rf):
    from django.http import HttpResponse

    from core.ratelimit import rate_limit

    @rate_limit(scope="test-decorated", rate="2/h")
    def view(request):
        return HttpResponse("ok")

    statuses = [view(rf.post("/", REMOTE_ADDR="192.0.2.8")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "試行回数が多すぎます" in view(rf.post("/", REMOTE_ADDR="192.0.2.8")).content.decode()
