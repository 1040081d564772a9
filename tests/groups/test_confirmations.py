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


# --- Stepping down as representative (「管理者を降りる」): only another representative can give
# the role back, so it asks first too.


def _second_representative(group):
    return MembershipFactory(
        group=group, user=UserFactory(email="rep2@example.org"), role=Membership.Role.REPRESENTATIVE
    )


def test_the_members_page_links_to_the_step_down_confirmation(client_for, group, representative):
    _second_representative(group)
    html = client_for("representative").get(reverse("groups:members", args=[group.slug]))
    html = html.content.decode()
    step_down = reverse("groups:step_down", args=[group.slug])
    assert f'<a class="button button--secondary" href="{step_down}">管理者を降りる</a>' in html
    # No form on the members page steps its reader down at once.
    own = reverse("groups:member_role", args=[group.slug, _membership(group, representative).pk])
    assert f'action="{own}"' not in html


def test_stepping_down_asks_first_and_says_it_cannot_be_undone(client_for, group, representative):
    _second_representative(group)
    url = reverse("groups:step_down", args=[group.slug])
    client = client_for("representative")
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>管理者を降りる</h1>" in html
    assert group.name in html
    assert "メンバーには残りますが" in html
    assert "あなた自身では取り消せません" in html
    members = reverse("groups:members", args=[group.slug])
    assert f'<a href="{members}">管理者を続ける</a>' in html
    assert '<button type="submit" class="button--danger">管理者を降りる</button>' in html
    # Asking changed nothing.
    assert _membership(group, representative).is_representative
    # The confirmation's form posts to the same address, which acts.
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == members
    assert "管理者を降りました" in response.content.decode()
    row = _membership(group, representative)
    assert row.role == Membership.Role.MEMBER


def test_the_only_representative_is_told_to_share_the_role_before_stepping_down(
    client_for, group, representative
):
    html = client_for("representative").get(reverse("groups:step_down", args=[group.slug]))
    html = html.content.decode()
    assert "唯一の管理者" in html
    assert '<form method="post">' not in html
    assert _membership(group, representative).is_representative


def test_the_old_one_tap_form_now_leads_to_the_question(client_for, group, representative):
    """A members page left open from before posts to the role address: it asks first."""
    _second_representative(group)
    row = _membership(group, representative)
    response = client_for("representative").post(
        reverse("groups:member_role", args=[group.slug, row.pk]), {"role": "member"}
    )
    assert response["Location"] == reverse("groups:step_down", args=[group.slug])
    assert _membership(group, representative).is_representative


def test_making_another_representative_an_ordinary_member_stays_one_tap(
    client_for, group, representative
):
    """The acting representative can give that role back at once: nothing to ask."""
    other = _second_representative(group)
    client_for("representative").post(
        reverse("groups:member_role", args=[group.slug, other.pk]), {"role": "member"}
    )
    other.refresh_from_db()
    assert other.role == Membership.Role.MEMBER
