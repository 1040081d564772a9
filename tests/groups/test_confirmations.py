"""Actions the person taking them cannot undo (hand over the representative role, remove a
member, leave the group) ask first: the members page links to a confirmation page that says
what will happen, and only that page's form (a POST) acts. Works without JavaScript."""

import pytest
from django.urls import reverse

from groups.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _membership(group, user):
    return Membership.objects.get(group=group, user=user)


def test_the_members_page_links_to_confirmations_and_posts_none_of_these_actions(
    client_for, group, representative, member
):
    page = client_for("representative").get(reverse("groups:members", args=[group.slug]))
    html = page.content.decode()
    pk = _membership(group, member).pk
    hand_over = reverse("groups:member_hand_over", args=[group.slug, pk])
    remove = reverse("groups:member_remove", args=[group.slug, pk])
    assert f'href="{hand_over}"' in html
    assert f'href="{remove}"' in html
    assert f'action="{hand_over}"' not in html
    assert f'action="{remove}"' not in html
    member_page = client_for("member").get(reverse("groups:members", args=[group.slug]))
    leave = reverse("groups:leave", args=[group.slug])
    assert f'href="{leave}"' in member_page.content.decode()
    assert f'action="{leave}"' not in member_page.content.decode()


def test_handing_over_asks_first_and_says_it_cannot_be_undone(
    client_for, group, representative, member
):
    url = reverse("groups:member_hand_over", args=[group.slug, _membership(group, member).pk])
    client = client_for("representative")
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "管理者を引き継ぐ" in html
    assert str(member) in html
    assert "あなた自身では取り消せません" in html
    assert f'href="{reverse("groups:members", args=[group.slug])}"' in html
    # Asking changed nothing.
    assert _membership(group, representative).is_representative
    assert not _membership(group, member).is_representative
    # The confirmation's form posts to the same address, which acts.
    assert client.post(url).status_code == 302
    assert not _membership(group, representative).is_representative
    assert _membership(group, member).is_representative


def test_removing_a_member_asks_first(client_for, group, representative, member):
    url = reverse("groups:member_remove", args=[group.slug, _membership(group, member).pk])
    client = client_for("representative")
    html = client.get(url).content.decode()
    assert "取り消せません" in html
    assert "改めて招待" in html
    assert Membership.objects.filter(group=group, user=member).exists()
    client.post(url)
    assert not Membership.objects.filter(group=group, user=member).exists()


def test_leaving_asks_first(client_for, group, representative, member):
    url = reverse("groups:leave", args=[group.slug])
    client = client_for("member")
    html = client.get(url).content.decode()
    assert "団体を抜ける" in html
    assert "あなた自身では取り消せません" in html
    assert 'method="post"' in html
    assert Membership.objects.filter(group=group, user=member).exists()
    assert client.post(url)["Location"] == reverse("my_account")
    assert not Membership.objects.filter(group=group, user=member).exists()


def test_the_only_representative_is_told_to_hand_over_before_leaving(
    client_for, group, representative
):
    html = client_for("representative").get(reverse("groups:leave", args=[group.slug]))
    html = html.content.decode()
    assert "唯一の管理者" in html
    assert '<form method="post">' not in html


def test_a_second_representative_may_leave_after_confirming(client_for, group, representative):
    MembershipFactory(
        group=group, user=UserFactory(email="rep2@example.org"), role=Membership.Role.REPRESENTATIVE
    )
    html = client_for("representative").get(reverse("groups:leave", args=[group.slug]))
    assert "唯一の管理者" not in html.content.decode()
    assert "あなた自身では取り消せません" in html.content.decode()
