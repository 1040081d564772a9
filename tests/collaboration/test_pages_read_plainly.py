"""What the collaboration pages say, read as a visitor reads them (QA review, phone): who cannot
propose learns why and what to do; the theme's facts are label and value, each once; money is
written one way (300,000円)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from collaboration import services
from collaboration.models import Proposal
from groups.models import ActivityField

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(ja):
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def theme(department, department_official):
    # One of the NPO-law fields the migrations add (made here when a flush removed them).
    field, _ = ActivityField.objects.get_or_create(
        name="保健・医療・福祉", defaults={"slug": "qa-welfare", "order": 95}
    )
    return services.theme_save(
        actor=department_official,
        department=department,
        publish=True,
        title="地域の子どもの居場所づくり",
        issue="放課後に一人で過ごす子どもが増えている。",
        expectations="食事と学習の場を運営できる団体。",
        field=field,
        budget_min=300000,
        budget_max=800000,
        deadline=dt.date(2026, 6, 30),
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _invitation(html: str) -> bool:
    return (
        "提案は登録団体から受け付けています。" in html
        and "団体の管理者にメンバーへの追加を頼んでください" in html
        and f'href="{reverse("groups:apply")}"' in html
        and f'href="{reverse("groups:directory")}"' in html
    )


def test_a_signed_in_citizen_without_a_group_learns_how_to_propose(client, citizen, theme):
    client.force_login(citizen)
    for url in (reverse("collaboration:index"), theme.get_absolute_url()):
        html = client.get(url).content.decode()
        assert _invitation(html), url
        assert "ログインして提案する" not in html


def test_an_anonymous_visitor_is_asked_to_sign_in_and_a_member_to_propose(client, member, theme):
    html = client.get(theme.get_absolute_url()).content.decode()
    assert "ログインして提案する" in html and not _invitation(html)
    client.force_login(member)
    html = client.get(theme.get_absolute_url()).content.decode()
    assert "このテーマに提案する" in html and not _invitation(html)


def test_staff_and_department_officials_are_not_told_to_join_a_group(
    client, staff, department_official, theme
):
    for user in (staff, department_official):
        client.force_login(user)
        for url in (reverse("collaboration:index"), theme.get_absolute_url()):
            assert not _invitation(client.get(url).content.decode()), (user, url)


def test_the_theme_page_gives_each_fact_once_with_its_label(client, theme):
    html = client.get(theme.get_absolute_url()).content.decode()
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)
    assert facts, "the facts are a styled list"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", facts.group(1), re.S)
    found = {_text(dt_).strip(): _text(dd).strip() for dt_, dd in pairs}
    assert found["担当課"] == "市民協働課"
    assert found["分野"] == "保健・医療・福祉"
    assert found["予算"] == "300,000円〜800,000円"  # no 「予算：」 again inside
    assert "collaboration/collaboration.css" in html
    # The department and the field are never run together with 「・」 or 「 · 」.
    assert "市民協働課 · 保健" not in html and "市民協働課・保健" not in html


def test_a_theme_card_labels_department_field_and_budget(client, theme):
    html = _text(client.get(reverse("collaboration:themes")).content.decode())
    assert "担当課：市民協働課 ／ 分野：保健・医療・福祉" in html
    assert "予算：300,000円〜800,000円" in html


def test_money_is_written_in_yen_on_proposal_pages(client, member, group, theme):
    client.force_login(member)
    client.post(
        reverse("collaboration:proposal_create"),
        {
            "theme": theme.slug,
            "group": group.pk,
            "title": "子ども食堂と見守りの連携",
            "aim": "子どもの孤食を減らす。",
            "activities": "月2回の食堂と見守り訪問。",
            "role_group": "食堂の運営",
            "role_city": "会場と広報",
            "budget": 250000,
            "budget_note": "食材費",
            "schedule": "7月準備、9月開始",
        },
    )
    proposal = Proposal.objects.get()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "250,000円" in html
    assert "¥" not in _text(html)
