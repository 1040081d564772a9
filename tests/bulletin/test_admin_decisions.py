"""Issue #14 parts 2 and 3 for the bulletin board: staff publish, hide (with a note) or withdraw
a post with the buttons on its own admin page or the list's actions, all through the bulletin
services and audited; the status cannot be typed into the form; a decided post says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bulletin import services
from bulletin.models import BulletinPost, BulletinSettings, GroupQuota, PostReport
from core.models import AuditLog
from tests.admin_post import unchanged_post_data
from tests.bulletin.factories import PostFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = BulletinPost.Status


def decide(post, key):
    return reverse("admin:bulletin_bulletinpost_decide", args=[post.pk, key])


def change_url(post):
    return reverse("admin:bulletin_bulletinpost_change", args=[post.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def reported(group):
    """A post taken off the board after reports, waiting for staff."""
    post = PostFactory(group=group, status=S.PENDING, published_at=None)
    PostReport.objects.create(post=post, reason="spam", reporter_key="user:1")
    return post


def test_the_posts_page_offers_the_decisions_of_its_state(client_for, reported):
    html = client_for("staff").get(change_url(reported)).content.decode()
    assert decide(reported, "publish") in html
    assert decide(reported, "hide") in html
    assert decide(reported, "withdraw") in html
    form = client_for("staff").get(change_url(reported)).context["adminform"].form
    assert "status" not in form.fields  # status changes only by a decision


def test_publishing_a_reported_post_settles_its_reports_and_is_audited(client_for, reported):
    client = client_for("staff")
    response = client.post(decide(reported, "publish"), follow=True)
    reported.refresh_from_db()
    assert reported.status == S.PUBLISHED
    assert not reported.reports.filter(resolved=False).exists()
    assert AuditLog.objects.filter(action="bulletin.post_publish").count() == 1
    assert messages_of(response)
    rows = AuditLog.objects.count()
    again = client.post(decide(reported, "publish"), follow=True)
    assert AuditLog.objects.count() == rows
    assert any("nothing was changed" in m or "変更していません" in m for m in messages_of(again))


def test_hiding_needs_a_note_the_group_reads(client_for, group):
    post = PostFactory(group=group)
    client = client_for("staff")
    client.post(decide(post, "hide"), {"reason": ""})
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
    client.post(decide(post, "hide"), {"reason": "連絡先が記載されていません。"})
    post.refresh_from_db()
    assert post.status == S.HIDDEN and post.moderation_note == "連絡先が記載されていません。"
    entry = AuditLog.objects.get(action="bulletin.post_hide")
    assert entry.data["note"] == "連絡先が記載されていません。"


def test_staff_withdraw_a_post_for_its_group_once(client_for, group):
    post = PostFactory(group=group)
    client = client_for("staff")
    client.post(decide(post, "withdraw"), {"reason": "団体から電話で依頼"})
    post.refresh_from_db()
    assert post.status == S.WITHDRAWN
    assert AuditLog.objects.filter(action="bulletin.post_withdraw").count() == 1
    client.post(decide(post, "withdraw"), {"reason": "もう一度"})
    client.post(decide(post, "publish"))
    post.refresh_from_db()
    assert post.status == S.WITHDRAWN
    assert AuditLog.objects.filter(target_id=str(post.pk)).count() == 1


@pytest.mark.parametrize("role", ["citizen", "official", "representative"])
def test_a_crafted_decision_post_by_anyone_but_staff_is_refused(client_for, reported, role):
    assert client_for(role).post(decide(reported, "publish")).status_code == 403
    reported.refresh_from_db()
    assert reported.status == S.PENDING


def test_a_get_of_a_decision_changes_nothing(client_for, reported):
    assert client_for("staff").get(decide(reported, "publish")).status_code == 405
    reported.refresh_from_db()
    assert reported.status == S.PENDING


def test_typing_a_status_into_the_form_changes_nothing(client_for, reported):
    client = client_for("staff")
    data = unchanged_post_data(client.get(change_url(reported)))
    data["status"] = "published"
    rows = AuditLog.objects.count()
    assert client.post(change_url(reported), data).status_code == 302
    reported.refresh_from_db()
    assert reported.status == S.PENDING
    assert AuditLog.objects.count() == rows  # nothing changed, nothing written
    data["title"] = "誤字を修正"
    client.post(change_url(reported), data)
    entry = AuditLog.objects.get(action="bulletin.post_update")
    assert entry.data["by_staff"] is True and entry.data["fields"] == ["title"]


def test_hiding_from_the_list_asks_for_the_note_first(client_for, group):
    posts = [PostFactory(group=group), PostFactory(group=group)]
    client = client_for("staff")
    changelist = reverse("admin:bulletin_bulletinpost_changelist")
    ids = [p.pk for p in posts]
    page = client.post(changelist, {"action": "hide", "_selected_action": ids})
    assert page.status_code == 200 and 'name="note"' in page.content.decode()
    assert BulletinPost.objects.filter(status=S.HIDDEN).count() == 0
    client.post(changelist, {"action": "hide", "_selected_action": ids, "note": "期限切れの内容"})
    assert BulletinPost.objects.filter(status=S.HIDDEN).count() == 2
    assert AuditLog.objects.filter(action="bulletin.post_hide").count() == 2


def test_resolving_reports_quotas_and_settings_are_audited(client_for, reported, group):
    client = client_for("staff")
    client.post(
        reverse("admin:bulletin_postreport_changelist"),
        {"action": "resolve", "_selected_action": [reported.reports.get().pk]},
    )
    assert not PostReport.objects.filter(resolved=False).exists()
    client.post(reverse("admin:bulletin_groupquota_add"), {"group": group.pk, "yearly_limit": 30})
    assert GroupQuota.objects.get(group=group).yearly_limit == 30
    board = BulletinSettings.load()
    client.post(
        reverse("admin:bulletin_bulletinsettings_change", args=[board.pk]),
        {"moderation": "post", "default_yearly_quota": 5, "hide_after_reports": 2},
    )
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "bulletin.report_resolve",
        "bulletin.quota_update",
        "bulletin.settings_update",
    } <= actions


def test_the_decision_service_locks_and_refuses_a_second_decision(group):
    post = PostFactory(group=group, status=S.PENDING, published_at=None)
    staff = UserFactory(is_staff=True)
    services.post_decide(actor=staff, post=post, decision="publish")
    with pytest.raises(services.BulletinError):
        services.post_decide(actor=staff, post=post, decision="publish")
    with pytest.raises(services.BulletinError):
        services.post_decide(actor=staff, post=post, decision="hide", note="")
    post.refresh_from_db()
    assert post.status == S.PUBLISHED
