"""QA findings on collaboration: withdrawing a proposal goes through a confirmation page and a
danger button; the upload reads as an optional addition; the desk tells past themes from open
ones and links staff to the proposals, the go-between's record and the themes; My Page shows a
department's official (and the office) what awaits them, at a fixed number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from collaboration import selectors, services
from collaboration.models import Proposal
from core import registry
from tests.performance.test_my_page import reads

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "子ども食堂と見守りの連携",
    "aim": "子どもの孤食を減らす。",
    "activities": "月2回の食堂と見守り訪問。",
    "role_group": "食堂の運営",
    "role_city": "会場と広報",
    "budget": 300000,
    "budget_note": "",
    "schedule": "7月準備、9月開始",
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _theme(official, department, title, deadline):
    return services.theme_save(
        actor=official,
        department=department,
        publish=True,
        title=title,
        issue="課題",
        expectations="期待",
        budget_min=100000,
        budget_max=500000,
        deadline=deadline,
    )


def _assigned(member, group, staff, department, due=dt.date(2026, 7, 10), title=None):
    proposal = services.proposal_create(
        actor=member, group=group, **{**FIELDS, "title": title or FIELDS["title"]}
    )
    services.proposal_submit(actor=member, proposal=proposal)
    return services.proposal_assign(
        actor=staff, proposal=proposal, department=department, answer_due=due
    )


# --- withdrawing ----------------------------------------------------------------------------


def test_withdrawing_asks_first_and_says_it_cannot_be_undone(
    client, member, group, staff, department, department_official, ja
):
    proposal = _assigned(member, group, staff, department)
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    confirm_url = reverse("collaboration:proposal_withdraw_confirm", args=[proposal.pk])
    assert f'class="button button--danger" href="{confirm_url}"' in page
    assert 'class="secondary"' not in page
    # The proposal page itself has no form that withdraws at once.
    assert f'action="{reverse("collaboration:proposal_withdraw", args=[proposal.pk])}"' not in page

    confirm = client.get(confirm_url)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "取り下げは元に戻せません。" in html
    assert "オフィスと市民協働課は検討をやめます" in html
    assert f'action="{reverse("collaboration:proposal_withdraw", args=[proposal.pk])}"' in html
    assert 'class="button--danger"' in html and f'href="{proposal.get_absolute_url()}"' in html
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED  # looking is not withdrawing

    client.post(reverse("collaboration:proposal_withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    # Withdrawn: no way to withdraw again.
    assert confirm_url not in client.get(proposal.get_absolute_url()).content.decode()
    assert client.get(confirm_url).status_code == 302


def test_only_the_groups_members_see_the_confirmation(
    client_for, member, group, staff, department, department_official
):
    proposal = _assigned(member, group, staff, department)
    url = reverse("collaboration:proposal_withdraw_confirm", args=[proposal.pk])
    assert client_for("other_member").get(url).status_code == 403
    assert client_for("staff").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302  # to the login page


# --- the upload -------------------------------------------------------------------------------


def test_the_upload_reads_as_an_optional_addition(client, member, group, ja):
    proposal = services.proposal_create(actor=member, group=group, **FIELDS)
    client.force_login(member)
    html = client.get(proposal.get_absolute_url()).content.decode()
    section = html[html.index('id="docs-heading"') :]
    assert ">資料</h2>" in html and "書類" not in html
    assert "資料を追加" in section and '<label for="id_file">ファイル' in section
    assert "必須" not in section[: section.index("</form>")]
    # Sending the box without a file is still refused, with a message.
    response = client.post(
        reverse("collaboration:attachment_add", args=[proposal.pk]), {}, follow=True
    )
    assert "追加するファイルを選んでください。" in response.content.decode()
    assert not proposal.attachments.exists()


# --- the desk --------------------------------------------------------------------------------


def test_the_desk_marks_past_themes_closed(client, department, department_official, ja):
    with time_machine.travel(dt.datetime(2025, 11, 1, 10, 0, tzinfo=TOKYO)):
        _theme(department_official, department, "過去のテーマ", dt.date(2025, 12, 7))
    _theme(department_official, department, "募集中のテーマ", dt.date(2026, 6, 30))
    client.force_login(department_official)
    html = client.get(reverse("collaboration:desk")).content.decode()
    past = html[html.index("過去のテーマ") :]
    past = past[: past.index("</li>")]
    current = html[html.index("募集中のテーマ") :]
    current = current[: current.index("</li>")]
    assert "締切済み" in past and "公開中" not in past
    assert "公開中" in current and "締切済み" not in current


def test_the_desk_links_each_role_to_the_pages_it_may_open(
    client_for, department, department_official
):
    links = [
        reverse("collaboration:proposals"),
        reverse("collaboration:gobetween"),
        reverse("collaboration:themes"),
    ]
    staff_page = client_for("staff").get(reverse("collaboration:desk")).content.decode()
    assert all(f'href="{link}"' in staff_page for link in links)
    official = client_for("department_official")
    page = official.get(reverse("collaboration:desk")).content.decode()
    assert f'href="{links[2]}"' in page
    assert f'href="{links[0]}"' not in page and f'href="{links[1]}"' not in page
    for link in links:  # the links shown are the pages the role may open
        assert official.get(link).status_code == (200 if link == links[2] else 403)


# --- My Page ---------------------------------------------------------------------------------


def test_my_page_shows_an_official_what_awaits_the_department(
    client, member, group, staff, department, department_official, ja
):
    client.force_login(department_official)
    none_yet, html = reads(client)
    assert "市民協働課の回答を待つ提案はありません。" in html
    assert f'href="{reverse("collaboration:desk")}"' in html
    _assigned(member, group, staff, department, due=dt.date(2026, 7, 10), title="一件目")
    _assigned(member, group, staff, department, due=dt.date(2026, 6, 20), title="二件目")
    many, html = reads(client)
    assert "市民協働課の回答を待つ提案：2件" in html
    assert "最も近い回答期限：2026年6月20日" in html
    assert many == none_yet
    # Once a due date has passed, the panel says how many are late rather than a past date.
    late = selectors.department_desk_summary(department_official, today=dt.date(2026, 6, 25))
    assert (late["awaiting"], late["overdue"]) == (2, 1)
    html = render_to_string("collaboration/panels/my_desk.html", {"panel": {"department": late}})
    assert "うち1件は回答期限切れ" in html and "最も近い回答期限" not in html


def test_my_page_shows_the_office_the_proposals_to_screen(
    client, member, group, staff, department, department_official, ja
):
    draft = services.proposal_create(actor=member, group=group, **FIELDS)
    services.proposal_submit(actor=member, proposal=draft)
    client.force_login(staff)
    _count, html = reads(client)
    assert "確認・送付を待つ提案：1件" in html
    assert f'href="{reverse("collaboration:desk")}"' in html


def test_the_desk_panel_costs_one_query_for_officials_and_none_for_others(
    client, member, department_official
):
    panel = next(p for p in registry.panels("my_page") if p.key == "collaboration.desk")
    for user, added in ((member, 0), (department_official, 1)):
        client.force_login(user)
        with_panel, html = reads(client)
        assert (reverse("collaboration:desk") in html) == bool(added)
        registry.unregister("my_page", panel.key)
        try:
            without, _html = reads(client)
        finally:
            registry.register("my_page", panel)
        assert with_panel - without == added
