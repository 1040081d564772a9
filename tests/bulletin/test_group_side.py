"""The bulletin board as the posting group sees it: withdrawing asks first, the group is not
offered (nor allowed) to report its own post, open reports are explained, and the new-post
form speaks plainly on a phone."""

import re

import pytest
from django.urls import reverse

from bulletin.models import BulletinPost, PostReport
from tests.bulletin.factories import PostFactory

pytestmark = pytest.mark.django_db

REPORT_LINK = "この投稿を通報する"


def test_the_post_page_links_to_a_withdraw_confirmation(client_for, group, member):
    post = PostFactory(group=group)
    url = reverse("bulletin:withdraw", args=[post.pk])
    html = client_for("member").get(post.get_absolute_url()).content.decode()
    assert f'href="{url}"' in html
    assert f'action="{url}"' not in html
    page = client_for("member").get(url).content.decode()
    assert "取り消せません" in page
    assert post.title in page
    assert f'href="{post.get_absolute_url()}"' in page
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PUBLISHED
    assert client_for("member").post(url).status_code == 302
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.WITHDRAWN


@pytest.mark.parametrize("role", ["member", "representative"])
def test_the_posting_groups_members_are_not_offered_to_report_it(client_for, group, role):
    post = PostFactory(group=group)
    assert REPORT_LINK not in client_for(role).get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_member"])
def test_other_readers_may_report_it(client_for, group, role):
    post = PostFactory(group=group)
    assert REPORT_LINK in client_for(role).get(post.get_absolute_url()).content.decode()


def test_a_report_from_the_posting_group_is_refused(client_for, group, member):
    post = PostFactory(group=group)
    url = reverse("bulletin:report", args=[post.pk])
    assert client_for("member").get(url)["Location"] == post.get_absolute_url()
    response = client_for("member").post(url, {"reason": "spam", "message": "x"})
    assert response.status_code == 302
    assert not PostReport.objects.filter(post=post).exists()


def test_open_reports_are_explained_to_the_group(client_for, group, member):
    reported = PostFactory(group=group)
    PostReport.objects.create(post=reported, reason="spam", reporter_key="user:1")
    client = client_for("member")
    mine = client.get(reverse("bulletin:mine")).content.decode()
    assert "オフィスが内容を確認している" in mine
    page = client.get(reported.get_absolute_url()).content.decode()
    assert "オフィスに通報がありました" in page


def test_no_report_note_without_open_reports(client_for, group, member, citizen):
    post = PostFactory(group=group)
    resolved = PostFactory(group=group)
    PostReport.objects.create(post=resolved, reason="spam", reporter_key="u:1", resolved=True)
    client = client_for("member")
    assert (
        "オフィスが内容を確認している" not in client.get(reverse("bulletin:mine")).content.decode()
    )
    assert "オフィスに通報がありました" not in client.get(post.get_absolute_url()).content.decode()
    # Other readers never hear of reports.
    PostReport.objects.create(post=post, reason="spam", reporter_key="u:2")
    html = client_for("citizen").get(post.get_absolute_url()).content.decode()
    assert "オフィスに通報がありました" not in html


def test_the_new_post_form_speaks_plainly(client_for, group, member):
    html = client_for("member").get(reverse("bulletin:create")).content.decode()
    # The quota is a sentence, not a table whose narrow column breaks on a phone.
    assert "今年度の投稿 0件（上限" in html
    assert "<table" not in html
    # The category help is Japanese, not "A: b; C: d".
    assert "イベント告知（日時・場所・連絡先）" in html
    assert not re.search(r"[:;] ", html.split("分類によっては", 1)[1].split("</div>", 1)[0])
    # No "Markdown" jargon: what the writer can do, and only what the renderer does.
    assert "Markdown" not in html
    assert "1行あけると段落が分かれます" in html
    assert "（例：&lt;https://example.jp&gt;）" in html


def test_open_reports_are_counted_with_a_unit(client_for, group, member):
    reported = PostFactory(group=group)
    PostReport.objects.create(post=reported, reason="spam", reporter_key="user:1")
    mine = client_for("member").get(reverse("bulletin:mine")).content.decode()
    assert ">1件</td>" in mine
