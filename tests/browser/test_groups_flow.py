"""A citizen applies to register a group; staff approve it in the admin; the group is listed."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.roles import sync_role_permissions
from groups.models import Group, Membership

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def next_step(page, following: str) -> None:
    with page.expect_navigation(url=re.compile(rf"step={following}$")):
        page.locator("main form[method=post]").get_by_role("button", name="次へ").click()


def test_apply_then_staff_approve_in_the_admin(page, sign_in, citizen, staff, live_url, tmp_path):
    rules = tmp_path / "規約.pdf"
    rules.write_bytes(PDF)
    officers = tmp_path / "役員名簿.pdf"
    officers.write_bytes(PDF)

    # The citizen finds the application form from the directory and sends it.
    sign_in(citizen)
    page.goto(reverse("groups:apply"))
    assert page.get_by_role("heading", level=1).count() == 1
    # The application's five steps (tests/browser/test_group_application_phone.py walks them
    # on a phone, with a mistake on the way).
    page.locator("#id_name").fill("川辺の花を育てる会")
    page.locator("#id_name_kana").fill("かわべのはなをそだてるかい")
    page.locator("#id_summary").fill("川沿いの花壇を手入れする市民の会です。")
    next_step(page, "activities")
    next_step(page, "contact")
    page.locator("#id_representative_name").fill("協働 花子")
    page.locator("#id_representative_phone").fill("0897-00-1234")
    page.locator("#id_representative_address").fill("新居浜市一宮町1-1-1")
    next_step(page, "documents")
    page.locator("#id_rules_document").set_input_files(str(rules))
    page.locator("#id_officers_document").set_input_files(str(officers))
    next_step(page, "check")
    page.locator("#id_eligibility").check()
    page.locator("main form[method=post]").get_by_role("button").last.click()
    page.wait_for_url(re.compile(reverse("my_account") + "$"))
    assert "川辺の花を育てる会" in page.get_by_role("status").inner_text()

    group = Group.objects.get(name="川辺の花を育てる会")
    assert group.status == Group.Status.APPLIED
    assert Membership.objects.get(group=group, user=citizen).is_representative
    # Not in the public directory before approval.
    anonymous = page.context.browser.new_context(base_url=live_url)
    other = anonymous.new_page()
    other.goto(reverse("groups:directory") + "?q=川辺")
    assert "川辺の花を育てる会" not in other.locator("main").inner_text()

    # Staff approve it from the admin's queue of pending applications.
    sync_role_permissions()
    staff_context = page.context.browser.new_context(base_url=live_url)
    from tests.browser import support

    support.sign_in(staff_context, live_url, staff)
    admin = staff_context.new_page()
    admin.goto(reverse("admin:groups_groupapplication_changelist"))
    row = admin.locator("#result_list tbody tr", has_text="川辺の花を育てる会")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("approve_selected")
    admin.locator("button[name=index]").click()
    admin.wait_for_load_state()
    assert admin.locator(".messagelist").count()

    group.refresh_from_db()
    assert group.status == Group.Status.REGISTERED
    assert group.registration_number
    assert any(citizen.email in m.to for m in mail.outbox)

    # Now anyone finds it in the directory.
    other.goto(reverse("groups:directory") + "?q=川辺")
    other.get_by_role("link", name="川辺の花を育てる会").click()
    assert other.get_by_role("heading", level=1).inner_text().strip() == "川辺の花を育てる会"
    anonymous.close()
    staff_context.close()
