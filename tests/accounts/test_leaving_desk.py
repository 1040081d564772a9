"""Leaving at the desk (issue #19): staff close the account of a person who asks in person, from
the user's admin page: a decision button, a page that says what happens, then the same service
as the person's own page. Bad input: no note of how the person asked, the last representative,
a second time, a staff account: a clear message and nothing changed."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import sync_role_permissions
from core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "12月6日 窓口で申し出、運転免許証で本人確認"


@pytest.fixture
def desk(staff):
    sync_role_permissions()
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def person(db):
    return UserFactory(email="desk.person@example.org", full_name="窓口 太郎", phone="0897-11-2222")


def decide(user) -> str:
    return reverse("admin:accounts_user_decide", args=[user.pk, "close"])


def change_page(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def unchanged(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.email,
        user.full_name,
        user.phone,
        user.closed_at,
        EmailAddress.objects.filter(user=user).count(),
        AuditLog.objects.count(),
    )


def test_the_users_page_offers_closing_with_a_note_of_how_the_person_asked(desk, person, ja):
    html = desk.get(change_page(person)).content.decode()
    assert decide(person) in html
    assert "このアカウントを退会させる" in html
    assert 'name="reason"' in html


def test_the_first_click_asks_for_confirmation_and_changes_nothing(desk, person, ja):
    before = unchanged(person)

    response = desk.post(decide(person), {"reason": NOTE})

    assert response.status_code == 200
    html = response.content.decode()
    assert "desk.person@example.org" in html
    assert "はい、退会させます" in html
    assert 'name="confirmed" value="yes"' in html
    assert NOTE in html
    assert unchanged(person) == before


def test_confirmed_the_account_is_closed_through_the_same_service(desk, staff, person, ja):
    other = Client()
    other.force_login(person)

    response = desk.post(decide(person), {"reason": NOTE, "confirmed": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == change_page(person)
    assert "退会の手続きをしました" in response.content.decode()
    user = User.objects.get(pk=person.pk)
    assert user.closed_at is not None and user.full_name == "退会したユーザー"
    assert user.email.endswith("@closed.invalid") and user.phone == ""
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Session.objects.filter(
        session_key=other.session.session_key
    ).exists()  # the person's own phone is signed out too
    entry = AuditLog.objects.get(action="accounts.account_close")
    assert entry.actor == staff
    assert entry.data["by_staff"] is True and entry.data["note"] == NOTE
    assert "窓口 太郎" not in entry.target_repr and "desk.person" not in str(entry.data)


def test_without_a_note_nothing_is_closed(desk, person, ja):
    before = unchanged(person)
    response = desk.post(decide(person), {"reason": "  ", "confirmed": "yes"}, follow=True)
    assert "理由が必要です（申し出の方法）" in response.content.decode()
    assert unchanged(person) == before


def test_the_last_representative_is_refused_with_the_reason(desk, representative, group, ja):
    before = unchanged(representative)

    page = desk.post(decide(representative), {"reason": NOTE}).content.decode()
    assert "唯一の管理者" in page
    assert 'name="confirmed"' not in page

    # A crafted confirmation changes nothing either.
    response = desk.post(decide(representative), {"reason": NOTE, "confirmed": "yes"}, follow=True)
    assert "唯一の管理者" in response.content.decode()
    assert unchanged(representative) == before


def test_a_closed_account_is_not_offered_closing_again(desk, person, ja):
    desk.post(decide(person), {"reason": NOTE, "confirmed": "yes"})
    before = unchanged(person)

    html = desk.get(change_page(person)).content.decode()
    assert decide(person) not in html
    assert "退会済み" in html

    response = desk.post(decide(person), {"reason": NOTE, "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == change_page(person)
    assert "このアカウントはすでに退会しています。" in response.content.decode()
    assert unchanged(person) == before


def test_a_closed_account_is_read_only_and_takes_no_address(desk, person, ja):
    desk.post(decide(person), {"reason": NOTE, "confirmed": "yes"})
    before = unchanged(person)

    html = desk.get(change_page(person)).content.decode()
    assert 'name="email"' not in html  # shown, not editable
    desk.post(change_page(person), {"email": "desk.person@example.org", "is_active": "on"})
    response = desk.post(
        reverse("admin:account_emailaddress_add"),
        {"user": person.pk, "email": "desk.person@example.org", "verified": "on"},
    )
    assert response.status_code == 200
    assert "退会" in response.content.decode()
    password = reverse("admin:auth_user_password_change", args=[person.pk])
    assert desk.get(password).status_code == 403
    assert unchanged(person) == before
    assert not User.objects.get(pk=person.pk).is_active


def test_staff_cannot_close_another_staff_account(desk, ja):
    colleague = UserFactory(email="colleague@example.org", is_staff=True)
    before = unchanged(colleague)
    assert desk.post(decide(colleague), {"reason": NOTE}).status_code == 403
    assert desk.post(decide(colleague), {"reason": NOTE, "confirmed": "yes"}).status_code == 403
    assert unchanged(colleague) == before


def test_a_citizen_cannot_reach_the_decision(person, citizen):
    client = Client()
    client.force_login(citizen)
    before = unchanged(person)
    assert client.post(decide(person), {"reason": NOTE, "confirmed": "yes"}).status_code == 403
    assert unchanged(person) == before


def test_closed_accounts_can_be_listed_apart(desk, person):
    desk.post(decide(person), {"reason": NOTE, "confirmed": "yes"})
    url = reverse("admin:accounts_user_changelist")
    closed = desk.get(url, {"closed": "yes"}).content.decode()
    still_open = desk.get(url, {"closed": "no"}).content.decode()
    assert f"closed-{person.pk}@closed.invalid" in closed
    assert f"closed-{person.pk}@closed.invalid" not in still_open
