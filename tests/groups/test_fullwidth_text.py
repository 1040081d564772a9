"""Text typed with full-width letters or half-width katakana is found like any other text.

A group's free text is stored NFKC-normalised (as its name is), so the directory search and the
partner suggestions, which normalise what they look for the same way, meet it."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.models import AuditLog
from groups import selectors, services
from groups.models import ActivityField, Group
from tests.factories import GroupFactory

# 「ＮＰＯとｶﾌｪの運営」: full-width Latin letters and half-width katakana, as some phones type.
TYPED = "ＮＰＯとｶﾌｪの運営"
STORED = "NPOとカフェの運営"
QUERIES = ["ＮＰＯ", "NPO", "npo", "ｶﾌｪ", "カフェ"]


def directory_names(client, query) -> list[str]:
    response = client.get(reverse("groups:directory"), {"q": query})
    assert response.status_code == 200
    return [g.name for g in response.context["groups"]]


def profile_data(group, **changes) -> dict:
    data = {
        "name": group.name,
        "name_kana": group.name_kana,
        "slug": group.slug,
        "summary": group.summary,
        "description": "",
        "fields": [ActivityField.objects.get(slug="children").pk],
        "areas": [],
        "founded_year": "",
        "member_count": "",
        "meeting_frequency": "",
        "looking_for": [],
        "offers": "",
        "needs": "",
        "website": "",
        "sns_url": "",
        "public_email": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_summary_typed_in_full_width_is_found_by_every_way_of_typing_it(
    client_for, client, group, member
):
    response = client_for("member").post(
        reverse("groups:edit", args=[group.slug]),
        profile_data(
            group,
            summary=TYPED,
            description="毎月ｲﾍﾞﾝﾄを開きます。\n２階の会議室で。",
            offers="ＩＴの相談",
            needs="ﾁﾗｼのデザイン",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    group.refresh_from_db()
    assert group.summary == STORED
    # Line breaks stay; only the width of the characters changes.
    assert group.description == "毎月イベントを開きます。\n2階の会議室で。"
    assert (group.offers, group.needs) == ("ITの相談", "チラシのデザイン")

    for query in QUERIES:
        assert directory_names(client, query) == ["子ども食堂ネットワーク"], query
    assert directory_names(client, "ｲﾍﾞﾝﾄ") == ["子ども食堂ネットワーク"]
    assert directory_names(client, "２階") == ["子ども食堂ネットワーク"]


@pytest.mark.django_db
def test_staff_entering_a_paper_application_in_the_admin_store_normalised_text(client_for, staff):
    response = client_for("staff").post(
        reverse("admin:groups_group_add"),
        {
            "name": "ＩＴボランティアの会",
            "name_kana": "ｱｲﾃｨｰﾎﾞﾗﾝﾃｨｱﾉｶｲ",
            "slug": "it-volunteers",
            "summary": TYPED,
            "description": "",
            "looking_for": "",
            "offers": "ﾊﾟｿｺﾝ教室",
            "needs": "",
            "website": "",
            "sns_url": "",
            "public_email": "",
            "representative_name": "紙 太郎",
            "representative_phone": "0897-11-1111",
            "representative_address": "新居浜市",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "renewals-TOTAL_FORMS": "0",
            "renewals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    group = Group.objects.get(slug="it-volunteers")
    assert group.name == "ITボランティアの会"
    assert group.name_kana == "あいてぃーぼらんてぃあのかい"
    assert (group.summary, group.offers) == (STORED, "パソコン教室")


@pytest.mark.django_db
def test_a_summary_too_long_once_normalised_is_explained_not_an_error(client_for, group, member):
    # "…" becomes "...": 199 characters and an ellipsis no longer fit the 200 of the column.
    response = client_for("member").post(
        reverse("groups:edit", args=[group.slug]), profile_data(group, summary="あ" * 199 + "…")
    )
    assert response.status_code == 200
    assert "summary" in response.context["form"].errors
    group.refresh_from_db()
    assert group.summary == "地域で活動する市民活動団体です。"


@pytest.mark.django_db
def test_partner_suggestions_match_offers_and_needs_typed_in_full_width(client_for, group, member):
    group.needs = "IT支援、チラシのデザイン"
    group.offers = "ｲﾍﾞﾝﾄの会場"
    group.save()
    GroupFactory(
        name="ＩＴ相談室", name_kana="あいてぃーそうだんしつ", offers="ＩＴ支援とパソコン講座"
    )
    GroupFactory(name="お祭りの会", name_kana="おまつりのかい", needs="イベントの会場さがし")
    GroupFactory(name="関係のない会", name_kana="かんけいのないかい", offers="囲碁の指導")

    page = client_for("member").get(group.get_absolute_url())
    by_name = {s.group.name: s for s in page.context["suggestions"]}
    assert set(by_name) == {"IT相談室", "お祭りの会"}
    assert by_name["IT相談室"].offers_what_we_need
    assert by_name["お祭りの会"].needs_what_we_offer


@pytest.mark.django_db
def test_the_phrases_looked_for_are_normalised_like_the_stored_text():
    assert selectors.phrases("ＩＴ支援，ﾁﾗｼのデザイン！") == ["IT支援", "チラシのデザイン"]


@pytest.mark.django_db
def test_groups_saved_before_the_change_are_normalised_by_the_migration(client, group):
    # Rows written as typed, before text was normalised on save (update() skips save()).
    Group.objects.filter(pk=group.pk).update(
        summary=TYPED, description="ｶﾌｪで\n交流会", offers="ＩＴ支援", needs="ﾁﾗｼ"
    )
    long_one = GroupFactory(name="長い紹介の会", name_kana="ながいしょうかいのかい")
    Group.objects.filter(pk=long_one.pk).update(summary="ｱ" * 199 + "…", offers="ＰＣ")
    assert directory_names(client, "カフェ") == []

    migration = importlib.import_module("groups.migrations.0006_normalize_free_text")
    migration.normalize_free_text(apps, None)

    group.refresh_from_db()
    assert (group.summary, group.description) == (STORED, "カフェで\n交流会")
    assert (group.offers, group.needs) == ("IT支援", "チラシ")
    for query in QUERIES:
        assert directory_names(client, query) == ["子ども食堂ネットワーク"], query
    # A summary that would no longer fit its column stays as typed; the rest is normalised.
    long_one.refresh_from_db()
    assert long_one.summary == "ｱ" * 199 + "…"
    assert long_one.offers == "PC"


@pytest.mark.django_db
def test_retyping_the_same_text_in_full_width_is_not_logged_as_a_change(member, group):
    group.summary = TYPED
    group.save()
    services.group_profile_update(
        actor=member, group=group, data={"summary": TYPED, "offers": "ＰＣ講座"}
    )
    entry = AuditLog.objects.filter(action="groups.group_profile_update").latest("pk")
    assert entry.data["changed"] == ["offers"]
