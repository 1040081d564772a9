"""At sign-up a person agrees to the terms and the privacy policy; the versions they saw are kept
with their account."""

import pytest
from django.urls import reverse

from accounts.models import User
from pages import services
from pages.models import Consent
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "hanako@example.jp",
    "full_name": "協働 花子",
    "password1": "a-long-passphrase-2026",
    "password2": "a-long-passphrase-2026",
}


def test_the_sign_up_form_links_to_the_terms_and_the_privacy_policy(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "利用規約と個人情報の取扱いに同意します" in html
    assert 'href="/terms/"' in html and 'href="/privacy/"' in html


def test_a_sign_up_records_the_versions_published_at_that_moment(client, staff):
    terms_page, _ = make_page(staff, "terms", body="規約 第2版")
    privacy_page, _ = make_page(staff, "privacy", body="取扱い 第2版")
    terms, privacy = terms_page.published_version, privacy_page.published_version
    # A draft written meanwhile is not what the person agreed to.
    services.page_version_create(actor=staff, page=terms_page, title="規約", body="下書き")

    response = client.post(reverse("account_signup"), {**SIGN_UP, "agree": "on"})
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    consent = Consent.objects.get(user=user)
    assert consent.terms_version == terms and consent.privacy_version == privacy
    assert consent.given_at is not None

    # Publishing new terms later keeps what was agreed, and does not block the account.
    draft = terms_page.versions.first()
    services.page_version_publish(actor=staff, version=draft)
    consent.refresh_from_db()
    assert consent.terms_version == terms


def test_without_the_tick_the_form_says_so_and_keeps_what_was_typed(client):
    response = client.post(reverse("account_signup"), SIGN_UP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "チェックを入れてください" in html
    assert 'value="hanako@example.jp"' in html and 'value="協働 花子"' in html
    assert not User.objects.filter(email="hanako@example.jp").exists()
    assert not Consent.objects.exists()


def test_no_address_is_stored_with_the_consent():
    names = {f.name for f in Consent._meta.get_fields()}
    assert not {"ip", "ip_address", "user_agent"} & names
