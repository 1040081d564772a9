"""Accounts in the admin: staff look after citizens' and officials' accounts, never anyone's
powers; addresses are kept in lower case so that every account can sign in."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import is_official, make_official
from core.audit import log_action
from core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "full_name_kana": user.full_name_kana,
        "phone": user.phone,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-04-01",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_staff_cannot_give_themselves_or_anyone_powers(client_for, staff, citizen):
    client = client_for("staff")
    # Their own account, as every staff account, is not theirs to change in the admin.
    assert client.post(change_url(staff), form_data(staff, is_superuser="on")).status_code == 403
    # A citizen's details, yes; their powers, no: those fields are read-only and ignored.
    officials = Group.objects.get(name="Officials")
    response = client.post(
        change_url(citizen),
        form_data(
            citizen,
            full_name="市民 花子",
            is_staff="on",
            is_superuser="on",
            groups=[officials.pk],
        ),
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    staff.refresh_from_db()
    assert citizen.full_name == "市民 花子"
    assert not (citizen.is_staff or citizen.is_superuser or is_official(citizen))
    assert not staff.is_superuser


def test_staff_cannot_reach_a_superusers_password(client_for):
    boss = User.objects.create_superuser(email="boss@example.org", password="x" * 12)
    client = client_for("staff")
    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert client.get(password_url).status_code == 403
    response = client.post(
        password_url, {"password1": "pw-Takeover-1", "password2": "pw-Takeover-1"}
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert not boss.check_password("pw-Takeover-1")


def test_staff_give_and_take_the_official_role_and_it_is_logged(client_for, citizen, client):
    admin = client_for("staff")
    changelist = reverse("admin:accounts_user_changelist")
    admin.post(changelist, {"action": "make_official", "_selected_action": [citizen.pk]})
    citizen = User.objects.get(pk=citizen.pk)
    assert is_official(citizen)
    client.force_login(citizen)
    assert client.get("/reports/annual/").status_code == 200
    admin.post(changelist, {"action": "remove_official", "_selected_action": [citizen.pk]})
    assert not is_official(User.objects.get(pk=citizen.pk))
    assert list(
        AuditLog.objects.filter(action__startswith="accounts.official_role")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["accounts.official_role_grant", "accounts.official_role_revoke"]


def test_the_official_role_action_skips_staff_accounts_for_staff(client_for, staff, citizen):
    other = UserFactory(email="staff2@example.org", is_staff=True)
    client_for("staff").post(
        reverse("admin:accounts_user_changelist"),
        {"action": "make_official", "_selected_action": [other.pk, citizen.pk]},
    )
    assert not is_official(User.objects.get(pk=other.pk))
    assert is_official(User.objects.get(pk=citizen.pk))


def test_a_superuser_still_manages_powers(client, staff):
    boss = User.objects.create_superuser(email="boss@example.org", password="x" * 12)
    client.force_login(boss)
    response = client.post(
        change_url(staff), form_data(staff, is_staff="on", groups=[], user_permissions=[])
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_staff and not staff.groups.filter(name="Staff").exists()


def test_an_address_typed_with_capitals_in_the_admin_signs_in_and_is_taken(client):
    boss = User.objects.create_superuser(email="boss@example.org", password="x" * 12)
    admin = Client()
    admin.force_login(boss)
    response = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Tanaka.Taro@City.Example.jp",
            "full_name": "田中 太郎",
            "password1": "pw-Kyodo-2026!",
            "password2": "pw-Kyodo-2026!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(full_name="田中 太郎")
    assert user.email == "tanaka.taro@city.example.jp"
    response = client.post(
        reverse("account_login"),
        {"login": "Tanaka.Taro@City.Example.jp", "password": "pw-Kyodo-2026!"},
    )
    assert response.status_code == 302
    # The same address in other letters is the same person: not a second account.
    client.logout()
    client.post(
        reverse("account_signup"),
        {
            "email": "TANAKA.TARO@city.example.jp",
            "password1": "pw-Other-2026!",
            "password2": "pw-Other-2026!",
        },
    )
    assert User.objects.filter(email__iexact="tanaka.taro@city.example.jp").count() == 1


def test_the_audit_log_cannot_be_deleted(client_for, staff):
    entry = log_action(actor=staff, action="accounts.official_role_grant", target=staff)
    client = client_for("staff")
    url = reverse("admin:core_auditlog_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_officials_made_by_role_helper_are_officials(citizen):
    make_official(citizen)
    assert is_official(citizen)
