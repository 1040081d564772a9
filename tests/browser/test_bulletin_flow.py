"""Posting on the bulletin board in a browser: a member posts, staff publish it in the admin,
and anyone reads it with a link to the group's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import sync_role_permissions
from bulletin.models import BulletinPost
from tests.browser import support

pytestmark = pytest.mark.browser


def test_a_member_posts_staff_publish_and_visitors_read_it(page, sign_in, member, staff, live_url):
    sign_in(member)
    page.goto(reverse("bulletin:list"))
    page.goto(reverse("bulletin:create"))
    form = page.locator("main form[method=post]")
    page.locator("#id_title").fill("花壇の手入れボランティア募集")
    page.locator("#id_body").fill("毎月第2土曜日に川沿いの花壇を手入れします。どなたでも歓迎です。")
    category = page.locator("#id_category")
    category.select_option(index=len(category.locator("option").all()) - 1)
    for field in ("what", "when", "place", "contact"):
        box = page.locator(f"#id_{field}")
        if box.count():
            box.fill("月1回・川沿い・info@example.org")
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    page.locator("#id_expires_on").fill(expires)
    form.get_by_role("button").last.click()
    page.wait_for_load_state()
    post = BulletinPost.objects.get(title="花壇の手入れボランティア募集")
    assert post.group_id == member.memberships.get().group_id

    if post.status != BulletinPost.Status.PUBLISHED:
        # Pre-moderation: staff publish it from the admin.
        sync_role_permissions()
        staff_context = support.new_context(page.context.browser, live_url)
        support.sign_in(staff_context, live_url, staff)
        admin = staff_context.new_page()
        admin.goto(reverse("admin:bulletin_bulletinpost_changelist"))
        row = admin.locator("#result_list tbody tr", has_text="花壇の手入れボランティア募集")
        row.locator("input.action-select").check()
        admin.locator("select[name=action]").select_option("publish")
        admin.locator("button[name=index]").click()
        admin.wait_for_load_state()
        staff_context.close()
        post.refresh_from_db()
    assert post.status == BulletinPost.Status.PUBLISHED

    visitor_context = support.new_context(page.context.browser, live_url)
    visitor = visitor_context.new_page()
    visitor.goto(reverse("bulletin:list"))
    visitor.get_by_role("link", name="花壇の手入れボランティア募集").click()
    main = visitor.locator("main")
    assert "毎月第2土曜日" in main.inner_text()
    group = post.group
    assert main.get_by_role("link", name=group.name).count()
    visitor_context.close()
