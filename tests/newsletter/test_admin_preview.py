"""Staff preview an issue's mail in the admin (the HTML mail in a sandboxed frame, the plain text
below it) before the test send; and the admin's small words: the test-send message, the members'
column, the admin's title in English."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group as PermissionGroup
from django.urls import reverse

from tests.factories import GroupFactory, UserFactory
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db

SITE = "https://kyodo.example.jp"
BODY = "## 今月の特集\n\n市民活動の**いま**を[掲示板](/bulletin/)でお届けします。"


@pytest.fixture(autouse=True)
def _fixed_day_and_site(settings):
    settings.SITE_URL = SITE
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))):
        yield


@pytest.fixture
def issue():
    return IssueFactory(number=42, title="初夏号", body=BODY)


def preview_url(issue) -> str:
    return reverse("admin:newsletter_issue_preview", args=[issue.pk])


def preview_html_url(issue) -> str:
    return reverse("admin:newsletter_issue_preview_html", args=[issue.pk])


def test_the_issue_page_links_to_its_preview(client_for, issue):
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    html = client_for("staff").get(change).content.decode()
    assert f'href="{preview_url(issue)}"' in html
    assert "プレビュー" in html


def test_the_preview_shows_both_parts_then_the_test_send(client_for, issue):
    response = client_for("staff").get(preview_url(issue))
    assert response.status_code == 200
    html = response.content.decode()
    # The HTML mail in a frame that runs nothing and reaches nothing of the admin.
    assert f'<iframe src="{preview_html_url(issue)}"' in html
    assert 'sandbox=""' in html or "sandbox " in html or 'sandbox="allow' in html
    # The plain-text part as the mail program shows it: text, not Markdown.
    assert "<pre" in html
    assert "■ 今月の特集" in html
    assert f"掲示板 ({SITE}/bulletin/)" in html
    assert "**" not in html.split("<pre", 1)[1].split("</pre>", 1)[0]
    # The test send comes after what it would send.
    test_send = reverse("admin:newsletter_issue_test_send", args=[issue.pk])
    assert html.index("<iframe") < html.index(f'action="{test_send}"')
    assert "自分あてにテスト送信" in html


def test_the_framed_html_mail_is_the_mail_with_its_own_strict_policy(client_for, issue):
    response = client_for("staff").get(preview_html_url(issue))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "初夏号" in html and "<strong>いま</strong>" in html
    assert f'href="{SITE}/bulletin/"' in html
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp or "script-src 'none'" in csp
    assert "sandbox" in csp
    assert "frame-ancestors 'self'" in csp
    assert response.get("X-Frame-Options", "SAMEORIGIN") == "SAMEORIGIN"


def test_the_admin_page_itself_keeps_the_portals_policy(client_for, issue):
    response = client_for("staff").get(preview_url(issue))
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("role", ["anonymous", "citizen", "member", "official"])
def test_only_staff_preview_an_issue(client_for, issue, role):
    client = client_for(role)
    for url in (preview_url(issue), preview_html_url(issue)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        assert "今月の特集" not in response.content.decode()


def test_staff_without_the_newsletter_permission_get_403(client):
    clerk = UserFactory(email="clerk@example.org", is_staff=True)
    clerk.groups.add(PermissionGroup.objects.get_or_create(name="受付")[0])
    issue = IssueFactory()
    client.force_login(clerk)
    assert client.get(preview_url(issue)).status_code == 403
    assert client.get(preview_html_url(issue)).status_code == 403


def test_a_missing_issue_is_a_404(client_for):
    client = client_for("staff")
    assert client.get(reverse("admin:newsletter_issue_preview", args=[999999])).status_code == 404
    url = reverse("admin:newsletter_issue_preview_html", args=[999999])
    assert client.get(url).status_code == 404


def test_the_preview_query_count(client_for, issue, django_assert_max_num_queries):
    client = client_for("staff")
    with django_assert_max_num_queries(12):
        assert client.get(preview_url(issue)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(preview_html_url(issue)).status_code == 200


# --- Small words in the admin


def test_the_test_send_message_shows_the_address_as_stored(client_for, issue):
    response = client_for("staff").post(
        reverse("admin:newsletter_issue_test_send", args=[issue.pk]), follow=True
    )
    html = response.content.decode()
    assert "staff@example.org" in html
    assert "Staff@example.org" not in html


def test_the_members_column_of_a_group_is_translated(client_for):
    group = GroupFactory()
    html = (
        client_for("staff")
        .get(reverse("admin:groups_group_change", args=[group.pk]))
        .content.decode()
    )
    assert "column-member" in html
    header = html.split("column-member", 1)[1].split("</th>", 1)[0]
    assert "利用者" in header
    assert "User" not in header and "user" not in header.split(">", 1)[1]


def test_the_admin_title_follows_the_language(client_for):
    client = client_for("staff")
    assert "まちづくり協働オフィス 管理" in client.get(reverse("admin:index")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("admin:index")).content.decode()
    assert "Kyodo Office administration" in html
    assert "まちづくり協働オフィス 管理" not in html
