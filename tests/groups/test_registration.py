"""Registration: a citizen applies with documents, staff approve or reject, numbers per year."""

import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.fiscal import FiscalYear
from groups import services
from groups.models import (
    ActivityField,
    Group,
    GroupDocument,
    GroupRenewal,
    Membership,
    RegistrationSequence,
)
from tests.factories import GroupFactory, MembershipFactory, UserFactory
from tests.groups.factories import fake_pdf, huge_file, jpeg_with_gps, not_an_image, pdf, png


def application(areas=(), **overrides):
    data = {
        "name": "泉川子ども食堂",
        "name_kana": "いずみかわこどもしょくどう",
        "slug": "",
        "summary": "泉川地区で月2回、子ども食堂を開いています。",
        "description": "地域の子どもたちと食卓を囲んでいます。",
        "fields": [f.pk for f in ActivityField.objects.filter(slug__in=["children", "welfare"])],
        "areas": [a.pk for a in areas],
        "founded_year": "2018",
        "member_count": "12",
        "meeting_frequency": "毎月第2・第4土曜日",
        "looking_for": ["volunteers"],
        "offers": "調理の経験があるメンバー",
        "needs": "食材の寄付、チラシのデザイン",
        "website": "",
        "sns_url": "",
        "public_email": "",
        "representative_name": "泉川 花子",
        "representative_phone": "0897-12-3456",
        "representative_address": "新居浜市泉宮町1-2-3",
        "eligibility": "on",
        "submission_token": str(uuid.uuid4()),
        "rules_document": pdf("規約.pdf"),
        "officers_document": jpeg_with_gps("officers.jpg", size=(800, 600)),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_before_applying(client):
    response = client.get(reverse("groups:apply"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_citizen_applies_and_becomes_the_representative(client_for, citizen, areas, on_commit):
    client = client_for("citizen")
    page = client.get(reverse("groups:apply"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "規約" in html and "役員名簿" in html  # named among the steps (書類) and in the intro
    assert "政治" in html  # the declaration about political, religious, commercial groups

    with on_commit():
        response = client.post(reverse("groups:apply"), application(areas=areas[:1]))
    assert response.status_code == 302
    assert response["Location"] == reverse("my_account")

    group = Group.objects.get(name="泉川子ども食堂")
    assert group.status == Group.Status.APPLIED
    assert group.applied_on == timezone.localdate()
    assert group.registered_on is None and group.registration_number is None
    assert group.eligibility_confirmed_at is not None
    assert group.slug.startswith("g-")
    assert set(group.fields.values_list("slug", flat=True)) == {"children", "welfare"}
    assert Membership.objects.get(group=group, user=citizen).is_representative

    documents = {d.kind: d for d in GroupDocument.objects.filter(group=group)}
    assert set(documents) == {"rules", "officers"}
    for document in documents.values():
        path = Path(document.file.path)
        assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not str(path).startswith(str(settings.MEDIA_ROOT))
        assert path.exists()

    # The office hears about it, the applicant is told what happens next; the applicant sees
    # it pending on "my account".
    assert [m.to for m in mail.outbox] == [[settings.OFFICE_EMAIL], [citizen.email]]
    assert "泉川子ども食堂" in mail.outbox[0].subject
    account = client.get(reverse("my_account")).content.decode()
    assert "泉川子ども食堂" in account
    assert "申請中" in account

    # Not in the directory, and its page is not public.
    assert (
        "泉川子ども食堂"
        not in client_for("anonymous").get(reverse("groups:directory")).content.decode()
    )
    assert client_for("anonymous").get(group.get_absolute_url()).status_code == 404
    # The applicant (its representative) sees the page with its status.
    own_page = client.get(group.get_absolute_url())
    assert own_page.status_code == 200
    assert "申請中" in own_page.content.decode()


@pytest.mark.django_db
def test_katakana_and_half_width_readings_are_stored_as_hiragana(client_for, citizen, areas):
    response = client_for("citizen").post(
        reverse("groups:apply"), application(name_kana="ｲｽﾞﾐｶﾞﾜ コドモショクドウ")
    )
    assert response.status_code == 302
    assert Group.objects.get().name_kana == "いずみがわ こどもしょくどう"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name_kana": ""}, "name_kana", "このフィールドは必須です。"),
        ({"name_kana": "泉川"}, "name_kana", "ひらがなかカタカナ"),
        ({"eligibility": None}, "eligibility", "政治・宗教・営利"),
        ({"rules_document": None}, "rules_document", "このフィールドは必須です。"),
        ({"rules_document": fake_pdf()}, "rules_document", "PDF"),
        ({"officers_document": huge_file("officers.pdf", 12)}, "officers_document", "大きすぎ"),
        ({"logo_upload": not_an_image("logo.png")}, "logo_upload", "画像"),
        ({"slug": "apply"}, "slug", "使えません"),
        ({"founded_year": "2999"}, "founded_year", ""),
        ({"website": "javascript:alert(1)"}, "website", "URL"),
    ],
)
def test_bad_applications_are_explained_in_japanese_and_nothing_is_saved(
    client_for, citizen, overrides, field, message
):
    response = client_for("citizen").post(reverse("groups:apply"), application(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert not Group.objects.exists()
    assert not GroupDocument.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_name_is_refused_whatever_its_spacing_or_width(client_for, citizen):
    GroupFactory(name="泉川子ども食堂 ABC")
    response = client_for("citizen").post(
        reverse("groups:apply"), application(name="泉川子ども食堂　ＡＢＣ")
    )
    assert response.status_code == 200
    assert "既に登録" in " ".join(response.context["form"].errors["name"])
    assert Group.objects.count() == 1


@pytest.mark.django_db
def test_the_same_application_posted_twice_makes_one_group(client_for, citizen):
    client = client_for("citizen")
    data = application()
    token = data["submission_token"]
    assert client.post(reverse("groups:apply"), data).status_code == 302
    again = application(submission_token=token)
    response = client.post(reverse("groups:apply"), again, follow=True)
    assert response.status_code == 200
    assert "既に送信" in response.content.decode()
    assert Group.objects.count() == 1
    assert GroupDocument.objects.count() == 2


@pytest.mark.django_db
def test_a_logo_is_cleaned_and_kept(client_for, citizen):
    client_for("citizen").post(reverse("groups:apply"), application(logo_upload=png()))
    group = Group.objects.get()
    assert group.logo.name.startswith("groups/logos/")
    assert group.logo.name.endswith(".png")


@pytest.mark.django_db
def test_staff_approve_in_bulk_and_numbers_follow_the_fiscal_year(client_for, staff, on_commit):
    reps = [UserFactory() for _ in range(3)]
    applications = []
    for i, rep in enumerate(reps):
        group = GroupFactory(
            name=f"申請団体{i}",
            status=Group.Status.APPLIED,
            registered_on=None,
            registration_number=None,
        )
        MembershipFactory(group=group, user=rep, role=Membership.Role.REPRESENTATIVE)
        applications.append(group)
    admin = client_for("staff")
    changelist = reverse("admin:groups_groupapplication_changelist")
    assert admin.get(changelist).status_code == 200
    with on_commit():
        response = admin.post(
            changelist,
            {"action": "approve_selected", "_selected_action": [g.pk for g in applications]},
        )
    assert response.status_code == 302

    era = FiscalYear.current().era_code
    numbers = []
    for group in applications:
        group.refresh_from_db()
        assert group.status == Group.Status.REGISTERED
        assert group.registered_on == timezone.localdate()
        assert GroupRenewal.objects.filter(
            group=group, fiscal_year=FiscalYear.current().year
        ).exists()
        numbers.append(group.registration_number)
    assert numbers == [f"{era}-001", f"{era}-002", f"{era}-003"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in reps)
    assert all("登録" in m.subject for m in mail.outbox)
    assert f"{era}-001" in mail.outbox[0].body

    # Approving again does nothing and says why.
    response = admin.post(
        reverse("admin:groups_group_changelist"),
        {"action": "approve_selected", "_selected_action": [applications[0].pk]},
        follow=True,
    )
    assert "申請中ではありません" in response.content.decode()


@pytest.mark.django_db
def test_numbering_restarts_each_fiscal_year_and_uses_the_era(staff):
    first = GroupFactory(status=Group.Status.APPLIED, registration_number=None)
    second = GroupFactory(status=Group.Status.APPLIED, registration_number=None)
    import datetime as dt

    services.group_approve(actor=staff, group=first, on=dt.date(2019, 3, 31))
    services.group_approve(actor=staff, group=second, on=dt.date(2019, 4, 1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.registration_number == "H30-001"
    assert second.registration_number == "R1-001"


@pytest.mark.django_db
def test_a_hand_typed_number_is_skipped_not_reused(staff):
    era = FiscalYear.current().era_code
    GroupFactory(registration_number=f"{era}-001")
    group = GroupFactory(status=Group.Status.APPLIED, registration_number=None)
    services.group_approve(actor=staff, group=group)
    group.refresh_from_db()
    assert group.registration_number == f"{era}-002"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_get_distinct_consecutive_numbers():
    staff = UserFactory(is_staff=True)
    groups = [GroupFactory(status=Group.Status.APPLIED, registration_number=None) for _ in range(8)]
    errors = []
    barrier = threading.Barrier(len(groups))

    def approve(group):
        try:
            barrier.wait()
            services.group_approve(actor=staff, group=group)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(g,)) for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    era = FiscalYear.current().era_code
    numbers = sorted(Group.objects.values_list("registration_number", flat=True))
    assert numbers == [f"{era}-{n:03d}" for n in range(1, 9)]
    assert RegistrationSequence.objects.get(fiscal_year=FiscalYear.current().year).last_serial == 8


@pytest.mark.django_db
def test_staff_reject_with_a_reason_and_the_applicant_can_try_again(
    client_for, citizen, staff, on_commit
):
    client = client_for("citizen")
    client.post(reverse("groups:apply"), application())
    group = Group.objects.get()
    admin = client_for("staff")
    changelist = reverse("admin:groups_groupapplication_changelist")

    # The action first asks for the reason ...
    page = admin.post(changelist, {"action": "reject_selected", "_selected_action": [group.pk]})
    assert page.status_code == 200
    assert "理由" in page.content.decode()
    # ... and refuses an empty one.
    page = admin.post(
        changelist,
        {"action": "reject_selected", "_selected_action": [group.pk], "apply": "1", "reason": ""},
    )
    assert page.status_code == 200
    group.refresh_from_db()
    assert group.status == Group.Status.APPLIED

    mail.outbox.clear()
    with on_commit():
        admin.post(
            changelist,
            {
                "action": "reject_selected",
                "_selected_action": [group.pk],
                "apply": "1",
                "reason": "営利目的の活動が中心のため。",
            },
        )
    group.refresh_from_db()
    assert group.status == Group.Status.REJECTED
    assert group.status_reason == "営利目的の活動が中心のため。"
    assert mail.outbox[0].to == [citizen.email]
    assert "営利目的の活動が中心のため。" in mail.outbox[0].body

    account = client.get(reverse("my_account")).content.decode()
    assert "不承認" in account and "営利目的の活動が中心のため。" in account

    response = client.post(reverse("groups:resubmit", args=[group.slug]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == Group.Status.APPLIED


@pytest.mark.django_db
def test_the_admin_shows_documents_only_through_the_staff_view(client_for, citizen, staff):
    client_for("citizen").post(reverse("groups:apply"), application())
    group = Group.objects.get()
    page = client_for("staff").get(reverse("admin:groups_group_change", args=[group.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for document in group.documents.all():
        assert reverse("groups:document", args=[document.pk]) in html
        assert document.file.name not in html
    # The private contact is there for staff.
    assert "0897-12-3456" in html
