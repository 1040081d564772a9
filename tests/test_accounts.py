"""Accounts: sign up with e-mail, mandatory verification, log in, reset password, my account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User


def _link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


@pytest.mark.django_db
def test_signup_requires_verifying_the_email_address(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Hanako@Example.jp",
            "full_name": "協働 花子",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
            "agree": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    assert user.full_name == "協働 花子"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1

    # Until the address is verified the account cannot sign in.
    response = client.post(
        reverse("account_login"),
        {"login": "hanako@example.jp", "password": "a-long-passphrase-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = _link_in(mail.outbox[-1])
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("my_account")).status_code == 200


@pytest.mark.django_db
def test_signup_with_bad_input_keeps_what_was_typed_and_explains_in_japanese(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-address", "full_name": "山田", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="not-an-address"' in html
    assert 'value="山田"' in html
    assert "有効なメールアドレスを入力してください" in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_login_by_email_and_logout_by_post(client, citizen):
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": "pw-for-tests-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my_account")
    # GET shows a confirmation page; only POST signs out.
    assert client.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, citizen):
    client.post(reverse("account_reset_password"), {"email": citizen.email})
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "a-new-passphrase-2026", "password2": "a-new-passphrase-2026"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("a-new-passphrase-2026")


@pytest.mark.django_db
def test_repeated_failed_logins_are_refused_for_a_while(client, citizen):
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": citizen.email, "password": "wrong-password"}
        )
    # Even the right password is refused now, with a message saying why.
    response = client.post(
        reverse("account_login"), {"login": citizen.email, "password": "pw-for-tests-2026"}
    )
    assert response.status_code == 200
    assert "ログイン失敗が連続しています" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_my_account_shows_panels_and_saves_details(client_for, citizen):
    client = client_for("citizen")
    html = client.get(reverse("my_account")).content.decode()
    assert "所属団体" in html or "My groups" in html
    response = client.post(
        reverse("my_account"), {"full_name": "新しい 名前", "phone": "0897-11-2222"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.full_name == "新しい 名前"


@pytest.mark.django_db
def test_my_account_keeps_the_details_form_in_view(client_for, citizen):
    # My Page is long: a mistake brings the reader back to the form with its errors, a save
    # back to the top where the confirmation is shown.
    client = client_for("citizen")
    url = reverse("my_account")
    refused = client.post(url, {"full_name": "", "phone": "abc"})
    assert refused.status_code == 200
    assert f'action="{url}#profile-heading"' in refused.content.decode()
    assert 'id="profile-heading"' in refused.content.decode()
    saved = client.post(url, {"full_name": "新しい 名前", "phone": ""})
    assert saved["Location"] == f"{url}#main"


@pytest.mark.django_db
def test_signup_terms_links_are_tap_targets(client):
    # Beside the consent box: each document its own list item (44 px), not two words joined by "/".
    html = client.get(reverse("account_signup")).content.decode()
    assert f'<li><a href="{reverse("pages:terms")}">' in html
    assert f'<li><a href="{reverse("pages:privacy")}">' in html
