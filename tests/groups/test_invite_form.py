"""Inviting a member: a mistyped address comes back as typed, with the error at the field."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from groups import services
from groups.models import Invitation


def invite(client, group, email):
    return client.post(reverse("groups:invite", args=[group.slug]), {"email": email})


def email_input(html: str) -> str:
    return re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)


@pytest.mark.django_db
def test_a_mistyped_address_is_shown_again_with_the_error_at_the_field(
    client_for, group, representative, on_commit
):
    with on_commit():
        response = invite(client_for("representative"), group, "taro@@example.jp")
    assert response.status_code == 200
    assert "groups/members.html" in [t.name for t in response.templates]
    html = response.content.decode()
    field = email_input(html)
    assert 'value="taro@@example.jp"' in field
    # The error sits at the field and the field points to it, for screen readers too.
    assert 'aria-invalid="true"' in field
    assert re.search(r'aria-describedby="[^"]*id_email_error', field)
    error = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', html, re.S)
    assert error and "有効なメールアドレス" in error.group(1)
    # The rest of the page is there: the members table with the representative.
    assert "<caption>ポータル上のメンバー</caption>" in html
    assert str(representative) in html
    assert not Invitation.objects.filter(group=group).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_address_already_invited_is_explained_at_the_field(client_for, group, representative):
    services.invitation_create(actor=representative, group=group, email="friend@example.jp")
    response = invite(client_for("representative"), group, "Friend@example.jp")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Friend@example.jp"' in email_input(html)
    error = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', html, re.S)
    assert error and "既に招待済み" in error.group(1)
    # The waiting invitation is still listed.
    assert "friend@example.jp" in html
    assert Invitation.objects.filter(group=group).count() == 1


@pytest.mark.django_db
def test_a_good_address_is_invited_and_the_page_starts_afresh(
    client_for, group, representative, on_commit
):
    client = client_for("representative")
    with on_commit():
        response = invite(client, group, "hanako@example.jp")
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:members", args=[group.slug])
    assert mail.outbox[0].to == ["hanako@example.jp"]
    page = client.get(response["Location"]).content.decode()
    assert "hanako@example.jpに招待を送りました。" in page
    assert 'value="' not in email_input(page)
