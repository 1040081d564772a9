"""Decisions where staff look (issue #14 part 2): approve / reject / suspend / reinstate /
withdraw as buttons on the group application's and the group's own admin page, through the
services; a decided thing says so and changes nothing; a crafted POST by anyone but staff is
refused. Renewals and profile edits in the admin go through their services too (part 3)."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from core.models import AuditLog
from groups.models import Group, GroupRenewal, Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def application(db):
    group = GroupFactory(
        name="ひだまり読書会",
        name_kana="ひだまりどくしょかい",
        status=Group.Status.APPLIED,
        registered_on=None,
        registration_number="",
    )
    MembershipFactory(
        group=group, user=UserFactory(email="hidamari@example.org"), role="representative"
    )
    return group


def _decide_url(group, decision, model="groupapplication"):
    return reverse(f"admin:groups_{model}_decide", args=[group.pk, decision])


def _decide(client, group, decision, reason="", model="groupapplication"):
    url = reverse(f"admin:groups_{model}_decide", args=[group.pk, decision])
    return client.post(url, {"reason": reason})


@pytest.mark.django_db
def test_the_application_page_offers_approve_and_reject_and_approving_registers_it(
    client_for, staff, application, ja, django_capture_on_commit_callbacks
):
    admin = client_for("staff")
    page = admin.get(reverse("admin:groups_groupapplication_change", args=[application.pk]))
    html = page.content.decode()
    assert _decide_url(application, "approve") in html
    assert _decide_url(application, "reject") in html
    assert "/decide/suspend/" not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(admin, application, "approve")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:groups_group_change", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Group.Status.REGISTERED
    assert application.registration_number
    assert AuditLog.objects.filter(
        target_id=str(application.pk), action__contains="approve"
    ).exists()
    assert [m.to for m in mail.outbox] == [["hidamari@example.org"]]
    assert "ひだまり読書会" in _messages(response)[0]

    # A second approval (a second tab, a double click) says so and changes nothing.
    rows = AuditLog.objects.count()
    number = application.registration_number
    response = _decide(admin, application, "approve")
    assert "ひだまり読書会" in _messages(response)[0]
    application.refresh_from_db()
    assert (application.status, application.registration_number) == ("registered", number)
    assert AuditLog.objects.count() == rows


@pytest.mark.django_db
def test_rejecting_needs_a_reason_that_reaches_the_applicant(
    client_for, staff, application, django_capture_on_commit_callbacks
):
    admin = client_for("staff")
    _decide(admin, application, "reject", reason="  ")
    application.refresh_from_db()
    assert application.status == Group.Status.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        _decide(admin, application, "reject", reason="市内での活動が確認できませんでした")
    application.refresh_from_db()
    assert application.status == Group.Status.REJECTED
    assert application.status_reason == "市内での活動が確認できませんでした"
    assert "市内での活動が確認できませんでした" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_registered_group_page_offers_suspend_and_withdraw_then_reinstate(
    client_for, staff, group
):
    admin = client_for("staff")
    change = reverse("admin:groups_group_change", args=[group.pk])
    html = admin.get(change).content.decode()
    assert "/decide/suspend/" in html and "/decide/withdraw/" in html
    assert "/decide/approve/" not in html and "/decide/reinstate/" not in html

    _decide(admin, group, "suspend", reason="会費の未納", model="group")
    group.refresh_from_db()
    assert group.status == Group.Status.SUSPENDED
    html = admin.get(change).content.decode()
    assert "/decide/reinstate/" in html and "/decide/suspend/" not in html

    _decide(admin, group, "reinstate", model="group")
    _decide(admin, group, "withdraw", reason="解散のため", model="group")
    group.refresh_from_db()
    assert group.status == Group.Status.WITHDRAWN
    html = admin.get(change).content.decode()
    assert "/decide/" not in html  # nothing left to decide


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "official", "member", "representative"])
def test_a_crafted_decision_post_by_anyone_but_staff_is_refused(
    client_for, role, application, group, member, representative
):
    response = _decide(client_for(role), application, "approve")
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Group.Status.APPLIED
    assert not AuditLog.objects.filter(action__contains="approve").exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_admin_login_and_get_changes_nothing(
    client_for, staff, application
):
    response = _decide(client_for("anonymous"), application, "approve")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    url = _decide_url(application, "approve")
    assert client_for("staff").get(url).status_code == 405
    application.refresh_from_db()
    assert application.status == Group.Status.APPLIED


@pytest.mark.django_db
def test_a_renewal_recorded_in_the_admin_goes_through_the_service(client_for, staff, group):
    admin = client_for("staff")
    add = reverse("admin:groups_grouprenewal_add")
    response = admin.post(add, {"group": group.pk, "fiscal_year": 2026, "note": "紙で受付"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    renewal = GroupRenewal.objects.get(group=group, fiscal_year=2026)
    assert renewal.confirmed_by == staff
    assert AuditLog.objects.filter(target_id=str(group.pk), action__contains="renew").count() == 1

    # Once per fiscal year: the rule's message, nothing saved.
    response = admin.post(add, {"group": group.pk, "fiscal_year": 2026, "note": ""})
    assert response.status_code == 200
    assert "2026" in str(response.context["adminform"].form.non_field_errors())
    assert GroupRenewal.objects.filter(group=group).count() == 1
    # A recorded renewal is not edited or deleted in the admin.
    change = reverse("admin:groups_grouprenewal_change", args=[renewal.pk])
    admin.post(change, {"group": group.pk, "fiscal_year": 2025, "note": "x"})
    renewal.refresh_from_db()
    assert renewal.fiscal_year == 2026
    delete = reverse("admin:groups_grouprenewal_delete", args=[renewal.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_a_suspended_group_cannot_be_renewed_in_the_admin(client_for, staff, group):
    group.status = Group.Status.SUSPENDED
    group.save()
    response = client_for("staff").post(
        reverse("admin:groups_grouprenewal_add"), {"group": group.pk, "fiscal_year": 2026}
    )
    assert response.status_code == 200
    assert not GroupRenewal.objects.exists()


@pytest.mark.django_db
def test_a_profile_edit_in_the_admin_is_the_profile_service_with_its_audit_row(
    client_for, staff, group, representative
):
    from tests.groups.test_membership import admin_form_data

    admin = client_for("staff")
    url = reverse("admin:groups_group_change", args=[group.pk])
    data = admin_form_data(admin.get(url))
    data["summary"] = "新しい紹介文です。"
    assert admin.post(url, data).status_code == 302
    group.refresh_from_db()
    assert group.summary == "新しい紹介文です。"
    row = AuditLog.objects.get(target_id=str(group.pk), action__contains="update")
    assert row.actor == staff and row.data["changed"] == ["summary"]


@pytest.mark.django_db
def test_a_role_change_in_the_members_inline_is_the_membership_service(
    client_for, staff, group, representative, member
):
    from tests.groups.test_membership import admin_form_data

    admin = client_for("staff")
    url = reverse("admin:groups_group_change", args=[group.pk])
    data = admin_form_data(admin.get(url))
    row = Membership.objects.get(user=member).pk
    index = next(i for i in range(2) if data[f"memberships-{i}-id"] == row)
    data[f"memberships-{index}-role"] = "representative"
    assert admin.post(url, data).status_code == 302
    assert Membership.objects.get(user=member).is_representative
    assert AuditLog.objects.filter(action__contains="membership").count() == 1


@pytest.mark.django_db
def test_a_paper_application_entered_in_the_admin_waits_for_approval_without_a_member(
    client_for, staff
):
    from tests.groups.test_membership import admin_form_data

    admin = client_for("staff")
    add = reverse("admin:groups_group_add")
    # Every inline's management form, as the page sends them (other apps add inlines here).
    data = {k: v for k, v in admin_form_data(admin.get(add)).items() if "_FORMS" in k}
    data.update(
        {
            "name": "紙で申請した会",
            "name_kana": "かみでしんせいしたかい",
            "slug": "paper",
            "summary": "紙の申請書",
            "representative_name": "紙 太郎",
            "representative_phone": "0897-11-1111",
            "representative_address": "新居浜市",
        }
    )
    response = admin.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    group = Group.objects.get(slug="paper")
    assert group.status == Group.Status.APPLIED
    assert not group.memberships.exists()  # staff do not become its representative
    row = AuditLog.objects.get(action="groups.group_apply", target_id=str(group.pk))
    assert row.actor == staff and row.data["on_paper"] is True
