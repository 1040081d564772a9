"""A group's own members see their page without the contact form meant for outsiders, and
a member's form shows only what they may edit, saying who edits the rest."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

CONTACT_HEADING = "この団体に問い合わせる"


@pytest.mark.parametrize("role", ["member", "representative"])
def test_the_groups_own_members_are_not_offered_the_contact_form(client_for, group, role):
    html = client_for(role).get(group.get_absolute_url()).content.decode()
    assert CONTACT_HEADING not in html
    assert reverse("groups:contact", args=[group.slug]) not in html


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_member"])
def test_outsiders_still_see_the_contact_form(client_for, group, role):
    html = client_for(role).get(group.get_absolute_url()).content.decode()
    assert CONTACT_HEADING in html


def test_a_member_posting_to_the_contact_form_anyway_sends_nothing(client_for, group, member):
    response = client_for("member").post(
        reverse("groups:contact", args=[group.slug]),
        {
            "sender_name": "会員",
            "sender_email": "member@example.org",
            "subject": "テスト",
            "message": "自分の団体へ",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert mail.outbox == []


def test_the_representative_reads_who_sees_the_contact_details_once(
    client_for, group, representative
):
    html = client_for("representative").get(reverse("groups:edit", args=[group.slug]))
    html = html.content.decode()
    assert html.count("オフィスのスタッフだけが見ます") == 1
    assert "団体の管理者が編集します" not in html


def test_a_member_is_told_the_representative_edits_the_rest(client_for, group, member):
    html = client_for("member").get(reverse("groups:edit", args=[group.slug])).content.decode()
    assert "代表者の連絡先とページのアドレスは、団体の管理者が編集します" in html
    assert "オフィスのスタッフだけが見ます" not in html


def test_the_application_step_still_says_who_sees_each_private_field():
    # That step lists public and private contact fields together, under no such heading.
    from groups.forms import APPLY_STEPS, GroupApplyForm

    contact_step = next(s for s in APPLY_STEPS if s.key == "contact")
    form = GroupApplyForm(step=contact_step)
    assert str(form.fields["representative_phone"].help_text) == "オフィスのスタッフだけが見ます。"
