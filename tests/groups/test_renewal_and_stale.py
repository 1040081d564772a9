"""Yearly renewal by representatives, staff's list of groups not renewed, stale profiles."""

import datetime as dt
import io
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.fiscal import FiscalYear
from groups import services
from groups.models import Group, GroupDocument, GroupRenewal
from tests.factories import GroupFactory, MembershipFactory
from tests.groups.factories import pdf


def renewal_data(**overrides):
    data = {
        "representative_name": "新しい 代表",
        "representative_phone": "0897-99-9999",
        "representative_address": "新居浜市西町1-1",
        "confirm": "on",
        "note": "役員が変わりました。",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_representative_renews_for_this_fiscal_year(
    client_for, group, representative, on_commit
):
    year = FiscalYear.current()
    url = reverse("groups:renew", args=[group.slug])
    client = client_for("representative")
    page = client.get(url)
    assert page.status_code == 200
    assert year.japanese_label in page.content.decode()
    # The page of a group that has not renewed says so to its representative.
    assert url in client.get(group.get_absolute_url()).content.decode()

    assert client.post(url, renewal_data(confirm="")).status_code == 200
    assert not GroupRenewal.objects.exists()

    with on_commit():
        response = client.post(url, renewal_data(officers_document=pdf("officers.pdf")))
    assert response.status_code == 302
    renewal = GroupRenewal.objects.get(group=group)
    assert renewal.fiscal_year == year.year
    assert renewal.confirmed_by == representative
    group.refresh_from_db()
    assert group.representative_phone == "0897-99-9999"
    assert GroupDocument.objects.filter(group=group, kind="officers").count() == 1
    assert mail.outbox[0].to == [settings.OFFICE_EMAIL]

    # Done for the year: the page says so; posting again changes nothing.
    assert "更新済み" in client.get(url).content.decode()
    client.post(url, renewal_data(representative_phone="000"))
    assert GroupRenewal.objects.filter(group=group).count() == 1
    group.refresh_from_db()
    assert group.representative_phone == "0897-99-9999"


@pytest.mark.django_db
def test_ordinary_members_and_others_cannot_renew(client_for, group, member, other_member):
    url = reverse("groups:renew", args=[group.slug])
    for role in ("member", "other_member", "citizen", "official"):
        assert client_for(role).get(url).status_code == 403, role


@pytest.mark.date_sensitive
@pytest.mark.django_db
def test_staff_see_who_has_not_renewed_and_withdraw_them(client_for, staff, on_commit):
    year = FiscalYear.current().year
    renewed = GroupFactory(name="更新した会", name_kana="こうしんしたかい")
    GroupRenewal.objects.create(group=renewed, fiscal_year=year)
    late = GroupFactory(name="更新していない会", name_kana="こうしんしていないかい")
    GroupRenewal.objects.create(group=late, fiscal_year=year - 1)
    rep = MembershipFactory(group=late, role="representative").user
    admin = client_for("staff")
    changelist = reverse("admin:groups_group_changelist")

    listed = admin.get(changelist, {"renewal": "due"})
    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [late]

    with on_commit():
        admin.post(
            changelist + "?renewal=due",
            {"action": "remind_renewal_selected", "_selected_action": [late.pk, renewed.pk]},
        )
    assert [m.to for m in mail.outbox] == [[rep.email]]
    assert reverse("groups:renew", args=[late.slug]) in mail.outbox[0].body

    mail.outbox.clear()
    with on_commit():
        response = admin.post(
            changelist,
            {
                "action": "withdraw_selected",
                "_selected_action": [late.pk],
                "apply": "1",
                "reason": "年度の更新がなかったため。",
            },
        )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == Group.Status.WITHDRAWN
    assert late.withdrawn_on == timezone.localdate()
    assert late.status_reason == "年度の更新がなかったため。"
    assert mail.outbox[0].to == [rep.email]
    # Counted on the register up to the day before, not after.
    assert (
        Group.objects.registered_at(timezone.localdate() - dt.timedelta(days=1))
        .filter(pk=late.pk)
        .exists()
    )
    assert not Group.objects.registered_at(timezone.localdate()).filter(pk=late.pk).exists()


@pytest.mark.django_db
def test_suspend_and_reinstate(client_for, staff, group):
    admin = client_for("staff")
    changelist = reverse("admin:groups_group_changelist")
    admin.post(
        changelist,
        {
            "action": "suspend_selected",
            "_selected_action": [group.pk],
            "apply": "1",
            "reason": "規則違反のため",
        },
    )
    group.refresh_from_db()
    assert group.status == Group.Status.SUSPENDED
    # Suspension does not end the registration.
    assert Group.objects.registered_at(timezone.localdate()).filter(pk=group.pk).exists()
    admin.post(changelist, {"action": "reinstate_selected", "_selected_action": [group.pk]})
    group.refresh_from_db()
    assert group.status == Group.Status.REGISTERED


def _age(group, days):
    Group.objects.filter(pk=group.pk).update(
        profile_updated_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.mark.django_db
def test_stale_pages_are_notified_then_reminded_then_listed_for_staff(
    client_for, group, representative, staff, on_commit
):
    fresh = GroupFactory(profile_updated_at=timezone.now())
    MembershipFactory(group=fresh, role="representative")
    _age(group, 400)
    out = io.StringIO()
    start = timezone.now()

    with on_commit():
        call_command("groups_stale_flag", stdout=out)
    assert "1 notified" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[representative.email]]
    assert reverse("groups:edit", args=[group.slug]) in mail.outbox[0].body
    # The representative also sees it on the page and on "my account".
    assert (
        "1年以上更新されていません"
        in client_for("representative").get(group.get_absolute_url()).content.decode()
    )

    # Running again the same day does nothing new.
    mail.outbox.clear()
    with on_commit():
        call_command("groups_stale_flag", stdout=io.StringIO())
    assert mail.outbox == []

    # Two weeks later: a reminder.
    with on_commit():
        services.stale_groups_flag(now=start + dt.timedelta(days=15))
    assert [m.to for m in mail.outbox] == [[representative.email]]
    assert "再度" in mail.outbox[0].subject

    # Two more weeks: listed for staff.
    mail.outbox.clear()
    with on_commit():
        counts = services.stale_groups_flag(now=start + dt.timedelta(days=30))
    assert counts["listed"] == 1
    assert mail.outbox[0].to == [settings.OFFICE_EMAIL]
    assert group.name in mail.outbox[0].body
    # The last update as people write a day, not ISO's 2025-01-01.
    updated = timezone.localtime(Group.objects.get(pk=group.pk).profile_updated_at)
    weekday = "月火水木金土日"[updated.weekday()]
    written = f"{updated.year}年{updated.month}月{updated.day}日({weekday})"
    assert f"最終更新 {written}" in mail.outbox[0].body
    assert f"{updated:%Y-%m-%d}" not in mail.outbox[0].body
    listed = client_for("staff").get(reverse("admin:groups_group_changelist"), {"stale": "listed"})
    assert list(listed.context["cl"].result_list) == [group]


@pytest.mark.django_db
def test_saving_the_page_clears_the_flags(client_for, group, representative):
    _age(group, 400)
    services.stale_groups_flag()
    group.refresh_from_db()
    assert group.stale_notified_at is not None
    services.group_profile_update(actor=representative, group=group, data={"summary": "最新"})
    group.refresh_from_db()
    assert group.stale_notified_at is None
    assert not services.stale_groups().filter(pk=group.pk).exists()
