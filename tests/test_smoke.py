"""Every public page answers anonymous visitors; every protected one sends them to log in."""

import pytest
from django.urls import reverse

PUBLIC_URLS = [
    "home",
    "groups:directory",
    "facilities:index",
    "events:list",
    "news:list",
    "newsletter:list",
    "bulletin:list",
    "account_login",
    "account_signup",
    "account_reset_password",
]
PROTECTED_URLS = ["my_account", "reports:annual", "account_email", "account_change_password"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_public_page_answers_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'<main id="main"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", PROTECTED_URLS)
def test_protected_page_sends_anonymous_visitors_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_check_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_unknown_page_gets_a_friendly_404_in_japanese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
