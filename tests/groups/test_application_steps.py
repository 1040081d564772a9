"""The group application in five short steps, in plain words, without JavaScript.

Each step checks its own answers; the files chosen in the documents step stay attached after an
error (held against a signed token); the last step shows everything with the page address made
from the reading, and sends. The applicant is told by e-mail what happens next.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.functional import empty

from core.uploads import HELD_DIR, private_storage
from groups import services
from groups.forms import suggested_page_address
from groups.models import ActivityField, Group, GroupDocument, Membership
from groups.romaji import kana_to_romaji, slug_from_reading
from tests.factories import GroupFactory
from tests.groups.factories import fake_pdf, jpeg_with_gps, pdf

APPLY = reverse("groups:apply")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_private_storage(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


def held_files() -> list[str]:
    try:
        return private_storage.listdir(HELD_DIR)[1]
    except FileNotFoundError:
        return []


def step_group(areas):
    return {
        "step": "group",
        "name": "泉川子ども食堂",
        "name_kana": "イズミカワ コドモショクドウ",
        "summary": "泉川地区で月2回、子ども食堂を開いています。",
        "description": "地域の子どもたちと食卓を囲んでいます。",
        "fields": [f.pk for f in ActivityField.objects.filter(slug__in=["children", "welfare"])],
        "areas": [areas[0].pk],
    }


STEP_ACTIVITIES = {
    "step": "activities",
    "founded_year": "2018",
    "member_count": "12",
    "meeting_frequency": "毎月第2・第4土曜日",
    "looking_for": ["volunteers"],
    "offers": "調理の経験があるメンバー",
    "needs": "食材の寄付",
}
STEP_CONTACT = {
    "step": "contact",
    "representative_name": "泉川 花子",
    "representative_phone": "０８９７－１２－３４５６",
    "representative_address": "新居浜市泉宮町1-2-3",
}


def walk_to_documents(client, areas):
    for data, following in [
        (step_group(areas), "activities"),
        (STEP_ACTIVITIES, "contact"),
        (STEP_CONTACT, "documents"),
    ]:
        response = client.post(APPLY, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == f"{APPLY}?step={following}"


def kept_token(html: str, name: str) -> str:
    return re.search(rf'name="{name}__kept" value="([^"]+)"', html).group(1)


def test_the_steps_are_short_and_in_plain_words(client_for, citizen):
    html = client_for("citizen").get(APPLY).content.decode()
    assert "手順 1/5：団体について" in html
    for title in ["団体について", "活動の内容", "連絡先", "書類", "確認して送信"]:
        assert title in html
    assert "URL名" not in html
    assert 'aria-current="step"' in html
    # Only this step's questions.
    assert 'name="name_kana"' in html and 'name="rules_document"' not in html


def test_a_later_step_opens_only_after_the_earlier_ones(client_for, citizen):
    html = client_for("citizen").get(f"{APPLY}?step=check").content.decode()
    assert "手順 1/5" in html


def test_a_step_with_an_error_says_so_and_stays(client_for, citizen, areas):
    client = client_for("citizen")
    response = client.post(APPLY, {**step_group(areas), "name_kana": "泉川"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "手順 1/5" in html
    assert 'class="form-errors error-summary"' in html
    assert 'href="#id_name_kana"' in html
    assert "泉川子ども食堂" in html  # what was typed stays


def test_the_whole_application_with_an_error_in_a_later_step(client_for, citizen, areas, on_commit):
    client = client_for("citizen")
    walk_to_documents(client, areas)

    # The rules pass, the officers' list is not a real PDF: only that one is asked again.
    response = client.post(
        APPLY,
        {"step": "documents", "rules_document": pdf("規約.pdf"), "officers_document": fake_pdf()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "選択済み：規約.pdf" in html and "（変更する）" in html
    assert 'href="#id_officers_document"' in html
    response = client.post(
        APPLY,
        {
            "step": "documents",
            "rules_document__kept": kept_token(html, "rules_document"),
            "officers_document": jpeg_with_gps("名簿.jpg", size=(800, 600)),
        },
    )
    assert response["Location"] == f"{APPLY}?step=check"

    # The check step: everything entered, the files by name, the address from the reading.
    html = client.get(f"{APPLY}?step=check").content.decode()
    assert "泉川子ども食堂" in html and "規約.pdf" in html and "名簿.jpg" in html
    assert "子ども・青少年" in html or "子ども" in html
    assert 'value="izumikawa-kodomoshokudou"' in html
    assert "団体ページのアドレス" in html

    # Forgetting the declaration: said at the top, nothing lost.
    response = client.post(APPLY, {"step": "check", "slug": "izumikawa-kodomoshokudou"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_eligibility"' in html and "規約.pdf" in html
    assert not Group.objects.exists()

    with on_commit():
        response = client.post(
            APPLY, {"step": "check", "slug": "izumikawa-kodomoshokudou", "eligibility": "on"}
        )
    assert response["Location"] == reverse("my_account")
    group = Group.objects.get()
    assert group.slug == "izumikawa-kodomoshokudou"
    assert group.name_kana == "いずみかわ こどもしょくどう"
    assert group.representative_phone == "0897-12-3456"
    assert group.founded_year == 2018 and group.looking_for == ["volunteers"]
    assert Membership.objects.get(group=group, user=citizen).is_representative
    kinds = set(GroupDocument.objects.filter(group=group).values_list("kind", flat=True))
    assert kinds == {"rules", "officers"}
    assert held_files() == []  # sent: the held copies are gone
    assert "groups.apply" not in client.session

    # The applicant's acknowledgement says what happens next and how long review takes.
    to_applicant = [m for m in mail.outbox if m.to == [citizen.email]]
    assert len(to_applicant) == 1
    body = to_applicant[0].body
    assert "泉川子ども食堂" in to_applicant[0].subject
    assert "7 日以内" in body and "これからの流れ" in body and "登録番号" in body

    # Sent twice (a reload of the last step): nothing new.
    client.post(APPLY, {"step": "check", "eligibility": "on"})
    assert Group.objects.count() == 1


def test_a_name_taken_meanwhile_brings_back_its_step(client_for, citizen, areas):
    client = client_for("citizen")
    walk_to_documents(client, areas)
    client.post(APPLY, {"step": "documents", "rules_document": pdf(), "officers_document": pdf()})
    GroupFactory(name="泉川子ども食堂", name_kana="いずみかわ")
    response = client.post(APPLY, {"step": "check", "eligibility": "on", "slug": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "手順 1/5" in html and "既に登録または申請されています" in html
    assert 'href="#id_name"' in html


def test_the_suggested_address_is_free_and_readable(db):
    GroupFactory(slug="kodomoshokudou")
    assert suggested_page_address("こどもしょくどう") == "kodomoshokudou-2"
    assert suggested_page_address("") == ""


@pytest.mark.parametrize(
    ("reading", "slug"),
    [
        ("まちづくりきょうぎかい", "machizukurikyougikai"),
        ("こどもしょくどう ひまわり", "kodomoshokudou-himawari"),
        ("ボランティア・ネット", "borantia-netto"),
        ("がっこう", "gakkou"),
        ("まっちゃ", "matcha"),
        ("しんおおい", "shin-ooi"),
        ("ふぁみりーさぽーと", "famirisapoto"),
        ("ｲｽﾞﾐｶﾞﾜ", "izumigawa"),
        ("npo　にいはま", "npo-niihama"),
    ],
)
def test_readings_become_addresses(reading, slug):
    assert slug_from_reading(reading) == slug


def test_kana_to_romaji_is_hepburn():
    assert kana_to_romaji("しちつふじ") == "shichitsufuji"
    assert kana_to_romaji("きゃしゅちょ") == "kyashucho"


def test_the_representative_changes_the_address_later(client_for, group, representative):
    html = client_for("representative").get(reverse("groups:edit", args=[group.slug]))
    html = html.content.decode()
    assert 'name="slug"' in html and "団体ページのアドレス" in html
    assert f'value="{group.slug}"' in html

    services.group_profile_update(actor=representative, group=group, data={"slug": "new-place"})
    group.refresh_from_db()
    assert group.slug == "new-place"
    assert client_for("representative").get("/groups/new-place/").status_code == 200

    GroupFactory(slug="taken")
    with pytest.raises(services.GroupError):
        services.group_profile_update(actor=representative, group=group, data={"slug": "taken"})


def test_the_edit_form_refuses_a_reserved_or_taken_address(group, representative):
    from groups.forms import GroupProfileForm

    GroupFactory(slug="taken")
    for slug, message in [("apply", "使えません"), ("taken", "ほかの団体"), ("Ａ b", "半角")]:
        form = GroupProfileForm({"slug": slug}, instance=group, include_private=True)
        form.is_valid()
        assert message in " ".join(form.errors["slug"]), slug


def test_a_member_does_not_change_the_address(client_for, group, member):
    html = client_for("member").get(reverse("groups:edit", args=[group.slug])).content.decode()
    assert 'name="slug"' not in html


def test_the_check_step_reads_a_fixed_number_of_queries(
    client_for, citizen, areas, django_assert_max_num_queries
):
    client = client_for("citizen")
    walk_to_documents(client, areas)
    client.post(APPLY, {"step": "documents", "rules_document": pdf(), "officers_document": pdf()})
    client.get(f"{APPLY}?step=check")
    with django_assert_max_num_queries(20):
        assert client.get(f"{APPLY}?step=check").status_code == 200


def test_files_held_too_long_are_asked_for_again(client_for, citizen, areas):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    start = timezone.now()
    client = client_for("citizen")
    with time_machine.travel(start, tick=False):
        walk_to_documents(client, areas)
        client.post(
            APPLY, {"step": "documents", "rules_document": pdf(), "officers_document": pdf()}
        )
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        response = client.post(APPLY, {"step": "check", "eligibility": "on", "slug": ""})
    html = response.content.decode()
    assert "手順 4/5：書類" in html
    assert "もう一度選んでください" in html and 'href="#id_rules_document"' in html
    assert not Group.objects.exists()
