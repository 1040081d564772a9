"""The base layout: Japanese first, landmarks, skip link, language switch, navigation by role."""

import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_are_japanese_by_default_with_landmarks_and_skip_link(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="ja">' in html
    assert 'class="skip-link" href="#main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert "団体" in html  # the navigation is translated


@pytest.mark.django_db
def test_visitor_can_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Groups" in html
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"}, follow=True)
    assert '<html lang="ja">' in response.content.decode()


@pytest.mark.django_db
def test_reports_link_only_for_staff_and_officials(client_for):
    reports = reverse("reports:annual")
    for role, visible in [
        ("anonymous", False),
        ("citizen", False),
        ("staff", True),
        ("official", True),
    ]:
        html = client_for(role).get(reverse("home")).content.decode()
        assert (f'href="{reports}"' in html) is visible, role


@pytest.mark.django_db
def test_logout_is_a_post_form_not_a_link(client_for):
    html = client_for("citizen").get(reverse("home")).content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_header_is_the_office_name(client_for):
    html = client_for("staff").get("/admin/").content.decode()
    assert "まちづくり協働オフィス 管理" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_japanese_until_english_is_chosen(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ja">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="en">' in html
