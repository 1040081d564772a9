"""Property-based tests: random and hostile input at every form gets an answer (never a 500)
and saves everything or nothing. Each example runs in a savepoint that is rolled back."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from hypothesis import given

from accounts.models import User
from tests.security.fuzz import (
    FORM_SETTINGS,
    assert_no_server_error,
    each_example_rolled_back,
    form_data,
    hostile_text,
)

pytestmark = pytest.mark.django_db


@FORM_SETTINGS
@given(data=form_data(["email", "full_name", "password1", "password2"]))
def test_signup_survives_anything_and_never_half_creates_an_account(client, data):
    with each_example_rolled_back():
        cache.clear()
        before = User.objects.count()
        response = client.post(reverse("account_signup"), data)
        assert_no_server_error(response, data)
        created = User.objects.count() - before
        assert created in (0, 1)
        if created:
            user = User.objects.latest("pk")
            assert response.status_code == 302
            assert EmailAddress.objects.filter(user=user, verified=False).exists()
            assert user.full_name == data["full_name"].strip()
        else:
            assert response.status_code in (200, 429)


@FORM_SETTINGS
@given(login=hostile_text, password=hostile_text)
def test_login_survives_anything(client, citizen, login, password):
    with each_example_rolled_back():
        cache.clear()
        response = client.post(reverse("account_login"), {"login": login, "password": password})
        assert_no_server_error(response, (login, password))
        assert "_auth_user_id" not in client.session


@FORM_SETTINGS
@given(data=form_data(["full_name", "full_name_kana", "phone"]))
def test_profile_saves_all_details_or_none(client_for, citizen, data):
    client = client_for("citizen")
    with each_example_rolled_back():
        before = User.objects.values("full_name", "full_name_kana", "phone").get(pk=citizen.pk)
        response = client.post(reverse("my_account"), data)
        assert_no_server_error(response, data)
        after = User.objects.values("full_name", "full_name_kana", "phone").get(pk=citizen.pk)
        if response.status_code == 302:
            for field in after:
                assert after[field] == data.get(field, "").strip(), field
        else:
            assert response.status_code == 200
            assert after == before


@FORM_SETTINGS
@given(email=hostile_text)
def test_password_reset_survives_anything_and_leaks_nothing(client, citizen, email):
    with each_example_rolled_back():
        cache.clear()
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert_no_server_error(response, email)
        # The answer never tells whether an address has an account.
        assert citizen.email not in response.content.decode() or email == citizen.email


@FORM_SETTINGS
@given(path=hostile_text)
def test_hostile_paths_and_query_strings_never_cause_a_server_error(client, path):
    from urllib.parse import quote

    for url in (f"/{quote(path)}/", f"/groups/?q={quote(path)}&page={quote(path)}"):
        response = client.get(url)
        assert_no_server_error(response, url)
