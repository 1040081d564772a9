"""The office's admin: CSV export, documents, consultations, and every page loading."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from core.models import AuditLog
from groups.models import ActivityRecord, Consultation, Group, GroupDocument
from groups.selectors import consultation_counts
from tests.factories import GroupFactory
from tests.groups.factories import PDF


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_csv_export_leaves_private_contact_out_unless_staff_tick_it(client_for, staff, group):
    admin = client_for("staff")
    changelist = reverse("admin:groups_group_changelist")
    # The action first asks which columns.
    page = admin.post(changelist, {"action": "export_csv", "_selected_action": [group.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="representative_phone">' in html  # offered, not ticked
    assert 'value="representative_phone" checked' not in html

    default_columns = [
        "registration_number",
        "name",
        "name_kana",
        "fields",
        "status",
        "registered_on",
    ]
    response = admin.post(
        changelist,
        {
            "action": "export_csv",
            "_selected_action": [group.pk],
            "apply": "1",
            "columns": default_columns,
        },
    )
    rows = _csv(response)
    assert rows[0] == ["登録番号", "団体名", "団体名のふりがな", "活動分野", "状態", "登録日"]
    assert rows[1][1] == "子ども食堂ネットワーク"
    text = "\n".join(",".join(r) for r in rows)
    assert "0897-00-0000" not in text and "代表 太郎" not in text

    response = admin.post(
        changelist,
        {
            "action": "export_csv",
            "_selected_action": [group.pk],
            "apply": "1",
            "columns": ["name", "representative_name", "representative_phone"],
        },
    )
    assert _csv(response)[1] == ["子ども食堂ネットワーク", "代表 太郎", "0897-00-0000"]
    log = AuditLog.objects.filter(action="groups.group_export").latest("created_at")
    assert log.data["private"] == ["representative_name", "representative_phone"]


@pytest.mark.django_db
def test_csv_cells_cannot_run_as_spreadsheet_formulas(client_for, staff):
    group = GroupFactory(name='=HYPERLINK("http://evil")', name_kana="いーびる")
    response = client_for("staff").post(
        reverse("admin:groups_group_changelist"),
        {"action": "export_csv", "_selected_action": [group.pk], "apply": "1", "columns": ["name"]},
    )
    assert _csv(response)[1][0].startswith("'=")


@pytest.mark.django_db
def test_documents_are_served_to_staff_only(client_for, group, representative, staff, official):
    document = GroupDocument(group=group, kind="rules")
    document.file.save("x.pdf", ContentFile(PDF), save=True)
    url = reverse("groups:document", args=[document.pk])
    response = client_for("staff").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert client_for("anonymous").get(url).status_code == 302
    for role in ("representative", "official"):
        assert client_for(role).get(url).status_code == 403
    # Not reachable as a public file.
    assert not document.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.django_db
def test_staff_log_consultations_and_they_are_counted(client_for, staff, group):
    admin = client_for("staff")
    add = reverse("admin:groups_consultation_add")
    page = admin.get(add)
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["staff_member"] == staff.pk

    # Neither a group nor a person: refused.
    response = admin.post(
        add,
        {
            "held_on": "2025-06-10",
            "channel": "phone",
            "category": "funding",
            "summary": "助成金の相談",
            "staff_member": staff.pk,
        },
    )
    assert response.status_code == 200
    assert not Consultation.objects.exists()

    for held_on, channel, category, who in [
        ("2025-06-10", "phone", "funding", {"group": group.pk}),
        ("2025-09-01", "visit", "funding", {"person_name": "山田 花子"}),
        ("2026-03-31", "email", "founding", {"person_name": "佐藤"}),
        ("2026-04-01", "visit", "founding", {"person_name": "翌年度"}),
    ]:
        response = admin.post(
            add,
            {
                "held_on": held_on,
                "channel": channel,
                "category": category,
                "summary": "相談内容",
                "follow_up": "",
                "staff_member": staff.pk,
                **who,
            },
        )
        assert response.status_code == 302
    counts = consultation_counts(2025)
    assert counts == {
        "total": 3,
        "by_category": {"funding": 2, "founding": 1},
        "by_channel": {"phone": 1, "visit": 1, "email": 1},
    }
    listed = admin.get(reverse("admin:groups_consultation_changelist"), {"fy": "2025"})
    assert len(listed.context["cl"].result_list) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:groups_group_changelist",
        "admin:groups_group_add",
        "admin:groups_groupapplication_changelist",
        "admin:groups_activityfield_changelist",
        "admin:groups_area_changelist",
        "admin:groups_groupdocument_changelist",
        "admin:groups_grouprenewal_changelist",
        "admin:groups_invitation_changelist",
        "admin:groups_activityrecord_changelist",
        "admin:groups_consultation_changelist",
        "admin:groups_consultation_add",
    ],
)
def test_admin_pages_load_for_staff(client_for, staff, group, name):
    ActivityRecord.objects.create(group=group, held_on=dt.date(2025, 5, 1), title="t", body="b")
    Consultation.objects.create(
        held_on=dt.date(2025, 5, 1), group=group, channel="visit", category="other", summary="s"
    )
    admin = client_for("staff")
    assert admin.get(reverse(name)).status_code == 200
    for params in ({"renewal": "due"}, {"stale": "stale"}, {"registered_fy": "2025"}):
        if name == "admin:groups_group_changelist":
            assert admin.get(reverse(name), params).status_code == 200


@pytest.mark.django_db
def test_the_group_changelist_takes_a_fixed_number_of_queries(
    client_for, staff, django_assert_max_num_queries
):
    for _ in range(60):
        GroupFactory()
    admin = client_for("staff")
    with django_assert_max_num_queries(15):
        assert admin.get(reverse("admin:groups_group_changelist")).status_code == 200


@pytest.mark.django_db
def test_officials_cannot_use_the_groups_admin(client_for, official):
    response = client_for("official").get(reverse("admin:groups_group_changelist"))
    assert response.status_code == 302  # sent to the admin login


@pytest.mark.django_db
def test_staff_add_a_group_from_a_paper_application(client_for, staff):
    admin = client_for("staff")
    response = admin.post(
        reverse("admin:groups_group_add"),
        {
            "name": "紙で申請した会",
            "name_kana": "カミデシンセイシタカイ",
            "slug": "paper",
            "summary": "紙の申請書",
            "description": "",
            "looking_for": "",
            "offers": "",
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
    group = Group.objects.get(slug="paper")
    assert group.status == Group.Status.APPLIED
    assert group.name_kana == "かみでしんせいしたかい"


@pytest.mark.django_db
@pytest.mark.parametrize("fy", ["0", "99999", "2025x"])
def test_a_hand_edited_fiscal_year_filter_is_ignored(client_for, staff, fy):
    url = reverse("admin:groups_consultation_changelist")
    assert client_for("staff").get(url, {"fy": fy}).status_code in (200, 302)
