"""The opinion box (ご意見箱): anyone writes to the office; staff read it in the admin."""

import pytest
from django.core import mail
from django.urls import reverse

from news.models import Opinion

pytestmark = pytest.mark.django_db

URL = "/opinion/"


def form_data(**overrides):
    data = {
        "addressed_to": "committee",
        "topic": "facilities",
        "message": "土曜日の夜も会議室を使えるようにしてほしいです。",
        "name": "",
        "email": "",
    }
    data.update(overrides)
    return data


def test_an_anonymous_visitor_sends_an_opinion_that_staff_can_read(
    client, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("opinion:thanks")
    opinion = Opinion.objects.get()
    assert opinion.addressed_to == "committee"
    assert opinion.user is None and opinion.status == Opinion.Status.NEW
    # The office's inbox hears of it, without the message or the sender's details.
    assert len(mail.outbox) == 1
    assert "土曜日" not in mail.outbox[0].body

    staff = client_for("staff")
    assert "土曜日の夜" in staff.get(reverse("admin:news_opinion_changelist")).content.decode()
    assert staff.get(reverse("admin:news_opinion_change", args=[opinion.pk])).status_code == 200
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.NEW  # a GET writes nothing (issue #14)
    staff.post(reverse("admin:news_opinion_decide", args=[opinion.pk, "read"]))
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.READ


def test_a_signed_in_sender_is_remembered(client_for, citizen):
    client_for("citizen").post(URL, form_data(name="市民 花子", email="hanako@example.jp"))
    assert Opinion.objects.get().user == citizen


def test_a_reply_needs_an_address(client):
    response = client.post(URL, form_data(wants_reply="on"))
    assert response.status_code == 200
    assert "返信" in response.content.decode()
    assert not Opinion.objects.exists()


def test_bad_input_is_refused_with_a_clear_message(client):
    response = client.post(URL, form_data(message="", email="not-an-address"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html
    assert "有効なメールアドレス" in html or "メールアドレス" in html
    assert not Opinion.objects.exists()


def test_bots_filling_the_honeypot_are_refused(client):
    client.post(URL, form_data(website_url="http://spam.example"))
    assert not Opinion.objects.exists()


def test_the_form_is_rate_limited(client):
    for _ in range(5):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert Opinion.objects.count() == 5


def test_opinions_are_not_visible_to_anyone_but_staff(client_for):
    for role in ["anonymous", "citizen", "member", "representative", "official"]:
        response = client_for(role).get(reverse("admin:news_opinion_changelist"))
        assert response.status_code in (302, 403), role


def test_the_offices_notice_starts_with_the_portals_prefix_in_the_offices_language(
    client, django_capture_on_commit_callbacks
):
    """As every mail of the portal: 「[まちづくり協働オフィス] 」, also when the visitor reads the
    site in English (the notice goes to the office, which reads Japanese)."""
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(), HTTP_ACCEPT_LANGUAGE="en")
    (notice,) = mail.outbox
    assert notice.subject == "[まちづくり協働オフィス] 【ご意見箱】新しいご意見が届きました"
    assert notice.body.startswith("運営委員会")
