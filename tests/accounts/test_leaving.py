"""Leaving (退会, issue #19): a person closes their own account at /accounts/delete/ after reading
what happens and entering their password. Their name, addresses and phone are erased, their
records stay as anonymous ones, they are signed out everywhere, and the address can sign up
again as a new account. Wrong password, last representative, twice: a clear message and nothing
changed."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import views
from accounts.models import User
from accounts.services import AccountAlreadyClosed, account_close
from core.models import AuditLog
from groups.models import Membership
from groups.services import membership_set_role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"
URL = "/accounts/delete/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def leaver(db):
    return UserFactory(
        email="hanako.leaver@example.org", full_name="退会 花子", phone="090-1111-2222"
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(user) -> tuple:
    """What closing would change: the account's row, its addresses, the audit log."""
    user = User.objects.get(pk=user.pk)
    return (
        user.email,
        user.full_name,
        user.phone,
        user.is_active,
        user.password,
        user.closed_at,
        sorted(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
        AuditLog.objects.count(),
    )


def test_the_address_matches_the_issue_and_my_account_links_to_it(leaver):
    assert reverse("account_close") == URL
    page = signed_in(leaver).get(reverse("my_account")).content.decode()
    assert f'href="{URL}"' in page


def test_the_page_says_what_is_erased_what_is_kept_and_why(leaver, ja):
    response = signed_in(leaver).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "退会" in html
    assert "消去されるもの" in html  # what is erased
    assert "名前を除いて残るもの" in html  # what is kept, and why
    assert "市に報告" in html  # why: the figures reported to the city
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert "hanako.leaver@example.org" in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_closing_erases_the_person_and_keeps_the_account_row_anonymous(leaver, ja):
    client = signed_in(leaver)
    response = client.post(URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "退会しました" in response.content.decode()
    user = User.objects.get(pk=leaver.pk)
    assert user.full_name == "退会したユーザー"
    assert (user.full_name_kana, user.phone) == ("", "")
    assert user.email.endswith("@closed.invalid")
    assert not user.is_active and not user.has_usable_password()
    assert user.closed_at is not None
    assert str(user) == "退会したユーザー"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__iexact="hanako.leaver@example.org").exists()
    # Signed out: the page now asks to sign in.
    assert client.get(reverse("my_account"))["Location"].startswith(reverse("account_login"))


def test_closing_signs_the_person_out_on_every_device(leaver):
    phone, computer = signed_in(leaver), signed_in(leaver)
    other = signed_in(UserFactory())
    assert Session.objects.count() == 3

    phone.post(URL, {"password": PASSWORD})

    assert Session.objects.count() == 1  # only the other person's
    response = computer.get(reverse("my_account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert other.get(reverse("my_account")).status_code == 200


def test_the_closing_is_audited_without_the_erased_values(leaver):
    signed_in(leaver).post(URL, {"password": PASSWORD})

    entry = AuditLog.objects.get(action="accounts.account_close")
    assert entry.actor_id == leaver.pk
    assert entry.data["by_staff"] is False
    text = f"{entry.target_repr} {entry.data}"
    for erased in ("退会 花子", "hanako.leaver", "090-1111-2222"):
        assert erased not in text
    for row in AuditLog.objects.filter(target_id=str(leaver.pk)):
        assert "hanako.leaver" not in f"{row.target_repr} {row.data}"


def test_the_address_can_sign_up_again_as_a_new_account(leaver, client):
    signed_in(leaver).post(URL, {"password": PASSWORD})

    response = client.post(
        reverse("account_signup"),
        {
            "email": "hanako.leaver@example.org",
            "full_name": "退会 花子",
            "password1": "a-new-long-passphrase-2026",
            "password2": "a-new-long-passphrase-2026",
            "agree": "on",
        },
    )

    assert response.status_code == 302
    again = User.objects.get(email="hanako.leaver@example.org")
    assert again.pk != leaver.pk and again.closed_at is None


def test_a_wrong_password_says_so_and_changes_nothing(leaver, ja):
    client = signed_in(leaver)
    before = snapshot(leaver)

    response = client.post(URL, {"password": "not-my-password"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "パスワードが正しくありません" in html
    assert "error-summary" in html
    assert snapshot(leaver) == before
    assert client.get(reverse("my_account")).status_code == 200


def test_an_empty_password_is_asked_for_and_changes_nothing(leaver, ja):
    before = snapshot(leaver)
    response = signed_in(leaver).post(URL, {})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert snapshot(leaver) == before


def test_guessing_the_password_is_stopped_after_a_few_tries(leaver):
    client = signed_in(leaver)
    answers = [client.post(URL, {"password": f"guess-{n}"}).status_code for n in range(11)]
    assert answers[:10] == [200] * 10
    assert answers[10] == 429
    # Even the right password waits now; nothing was closed.
    assert client.post(URL, {"password": PASSWORD}).status_code == 429
    assert User.objects.get(pk=leaver.pk).closed_at is None


def test_the_last_representative_is_asked_to_hand_the_role_over_first(representative, group, ja):
    client = signed_in(representative)
    before = snapshot(representative)

    page = client.get(URL).content.decode()
    assert "唯一の管理者" in page
    assert "何も変更していません" not in page  # nothing was asked yet
    assert reverse("groups:members", kwargs={"slug": group.slug}) in page
    assert 'type="password"' not in page  # no form to send

    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 200
    assert "唯一の管理者" in response.content.decode()
    assert snapshot(representative) == before
    assert Membership.objects.filter(user=representative, group=group).exists()
    assert "何も変更していません" in response.content.decode()


def test_once_another_member_shares_the_role_the_representative_can_leave(
    representative, member, group
):
    membership = Membership.objects.get(user=member, group=group)
    membership_set_role(
        actor=representative, membership=membership, role=Membership.Role.REPRESENTATIVE
    )

    response = signed_in(representative).post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=representative.pk).closed_at is not None
    assert not Membership.objects.filter(user=representative).exists()
    assert Membership.objects.filter(
        group=group, role=Membership.Role.REPRESENTATIVE, user__closed_at__isnull=True
    ).exists()


def test_the_last_representative_of_a_withdrawn_group_is_not_held_back(representative, group):
    group.status = group.Status.WITHDRAWN
    group.save(update_fields=["status"])
    assert signed_in(representative).post(URL, {"password": PASSWORD}).status_code == 302


def test_an_ordinary_member_can_leave_and_is_no_longer_in_the_group(member, group):
    assert signed_in(member).post(URL, {"password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=member.pk).closed_at is not None
    assert not Membership.objects.filter(user=member).exists()
    assert group.memberships.count() == 0


def test_closing_twice_finds_no_account_and_changes_nothing(leaver, ja):
    account_close(actor=leaver, user=leaver)
    closed = User.objects.get(pk=leaver.pk)
    before = snapshot(closed)

    with pytest.raises(AccountAlreadyClosed, match="すでに退会"):
        account_close(actor=leaver, user=leaver)
    assert snapshot(closed) == before


def test_a_second_request_from_another_tab_finds_no_account(leaver):
    first, second = signed_in(leaver), signed_in(leaver)
    first.post(URL, {"password": PASSWORD})
    before = snapshot(leaver)

    response = second.post(URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(leaver) == before


def test_a_double_click_that_reaches_the_service_twice_gets_a_clear_message(leaver, ja):
    """Two requests passed the password check before either closed the account: the second
    one finds the account closed, says so and signs out."""
    client = signed_in(leaver)
    account_close(actor=leaver, user=leaver)
    # The second request still holds a session made before the closing.
    client.force_login(leaver)
    before = snapshot(leaver)
    leaver.set_password(PASSWORD)  # the password as it was when the request was read

    request = RequestFactory().post(URL, {"password": PASSWORD})
    request.user = leaver
    request.session = client.session
    request._messages = FallbackStorage(request)
    response = views.account_close_view(request)

    assert response.status_code == 302
    assert [str(m) for m in request._messages] == ["このアカウントはすでに退会しています。"]
    assert snapshot(leaver) == before


def test_an_office_staff_account_is_not_closed_on_this_page(staff, ja):
    page = signed_in(staff).get(URL).content.decode()
    assert "オフィスの管理者が退会の手続きをします" in page and 'type="password"' not in page
    signed_in(staff).post(URL, {"password": PASSWORD})
    assert User.objects.get(pk=staff.pk).closed_at is None


def test_the_page_is_one_query_per_check_whatever_the_groups(representative, group):
    for _n in range(3):
        MembershipFactory(user=representative, role=Membership.Role.REPRESENTATIVE)
    client = signed_in(representative)
    client.get(URL)  # warm the session and the footer
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    MembershipFactory(user=representative, role=Membership.Role.REPRESENTATIVE)
    MembershipFactory(user=representative, role=Membership.Role.REPRESENTATIVE)
    with CaptureQueriesContext(connection) as more:
        client.get(URL)
    assert len(more) == len(few)
