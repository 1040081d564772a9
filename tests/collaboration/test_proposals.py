"""Joint-project proposals (issue 18 part 2) as each role meets them: a department's theme, a
group's draft and submission, the office's screening and assignment, the department's desk and
answer; bad input refused with a clear message or 403, nothing half-saved."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import make_official
from collaboration import services
from collaboration.models import (
    CallWindow,
    CollaborationSettings,
    Proposal,
    ProposalAnswer,
    Theme,
)
from core.models import AuditLog
from tests.factories import UserFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


FIELDS = {
    "title": "子ども食堂と見守りの連携",
    "aim": "子どもの孤食を減らす。",
    "activities": "月2回の食堂と見守り訪問。",
    "role_group": "食堂の運営",
    "role_city": "会場と広報",
    "budget": 300000,
    "budget_note": "食材費 20万円、保険 10万円",
    "schedule": "7月準備、9月開始",
}


@pytest.fixture
def theme(department, department_official):
    return services.theme_save(
        actor=department_official,
        department=department,
        publish=True,
        title="地域の子どもの居場所づくり",
        issue="放課後に一人で過ごす子どもが増えている。",
        expectations="食事と学習の場を運営できる団体。",
        budget_min=100000,
        budget_max=500000,
        deadline=dt.date(2026, 6, 30),
    )


def _post_form(client, theme=None, **overrides):
    data = {**FIELDS, **overrides}
    url = reverse("collaboration:proposal_create")
    if theme:
        data["theme"] = theme.slug
    return client.post(url, data)


def test_the_public_sees_published_themes_only(client, department, department_official, theme):
    draft = services.theme_save(
        actor=department_official,
        department=department,
        title="下書きの課題",
        issue="未定",
        expectations="未定",
        deadline=dt.date(2026, 7, 31),
    )
    page = client.get(reverse("collaboration:themes")).content.decode()
    assert theme.title in page
    assert "下書きの課題" not in page
    assert client.get(draft.get_absolute_url()).status_code == 404
    detail = client.get(theme.get_absolute_url()).content.decode()
    assert "放課後に一人で過ごす子ども" in detail
    assert "100,000円〜500,000円" in detail
    # The department sees its own draft.
    client.force_login(department_official)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_whole_path_from_theme_to_answer(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    theme,
    django_capture_on_commit_callbacks,
):
    client.force_login(member)
    response = _post_form(client, theme, group=group.pk)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.kind == Proposal.Kind.ADMINISTRATIVE
    # A PDF and a document that is not one.
    pdf = SimpleUploadedFile("計画書.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\n", "application/pdf")
    client.post(reverse("collaboration:attachment_add", args=[proposal.pk]), {"file": pdf})
    bad = SimpleUploadedFile("evil.pdf", b"MZ not a pdf", "application/pdf")
    response = client.post(
        reverse("collaboration:attachment_add", args=[proposal.pk]), {"file": bad}, follow=True
    )
    assert "PDF" in response.content.decode()
    assert [a.name for a in proposal.attachments.all()] == ["計画書.pdf"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("collaboration:proposal_submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert {tuple(m.to) for m in mail.outbox} >= {("member@example.org",)}

    # The office screens it and assigns it to the department.
    client.force_login(staff)
    desk = client.get(reverse("collaboration:desk")).content.decode()
    assert proposal.title in desk
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collaboration:proposal_assign", args=[proposal.pk]),
            {"department": department.pk, "answer_due": "2026-07-10"},
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED
    assert ["dept@example.org"] in [m.to for m in mail.outbox]

    # The department's desk: what awaits its answer, with the due date.
    client.force_login(department_official)
    desk = client.get(reverse("collaboration:desk")).content.decode()
    assert proposal.title in desk and "2026年7月10日" in desk
    client.post(
        reverse("collaboration:meeting_record", args=[proposal.pk]),
        {"held_on": "2026-06-09", "attendees": "団体2名、課3名", "notes": "役割分担を確認"},
    )
    assert proposal.meetings.get().notes == "役割分担を確認"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collaboration:proposal_answer", args=[proposal.pk]),
            {"decision": "adopted", "reasons": "地域の課題に合い、実施体制も十分。"},
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ADOPTED
    to_group = [m for m in mail.outbox if m.to == ["member@example.org"]]
    assert to_group and "地域の課題に合い" in to_group[0].body

    # The group sees the answer with its reasons.
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "地域の課題に合い、実施体制も十分。" in page
    keys = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "collaboration.proposal_create",
        "collaboration.attachment_add",
        "collaboration.proposal_submit",
        "collaboration.proposal_assign",
        "collaboration.meeting_record",
        "collaboration.proposal_answer",
    } <= keys


def test_a_proposal_after_the_themes_deadline_is_refused(client, member, group, theme):
    client.force_login(member)
    _post_form(client, theme, group=group.pk)
    proposal = Proposal.objects.get()
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 0, tzinfo=TOKYO)):
        client.force_login(member)
        response = client.post(
            reverse("collaboration:proposal_submit", args=[proposal.pk]), follow=True
        )
        page = response.content.decode()
        assert 'class="message message--error"' in page, page[page.find("<main") :][:2000]
        assert "2026年6月30日(火)" in page and "2026-06-30" not in page
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.DRAFT
        # A new draft after the deadline is refused too, nothing saved.
        response = _post_form(client, theme, group=group.pk)
        assert response.status_code == 200
        assert Proposal.objects.count() == 1


def _assigned(member, group, staff, department, theme=None):
    proposal = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    services.proposal_submit(actor=member, proposal=proposal)
    return services.proposal_assign(
        actor=staff, proposal=proposal, department=department, answer_due=dt.date(2026, 7, 10)
    )


def test_staff_are_told_when_the_department_they_assign_to_has_nobody_on_the_portal(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    other_department,
    django_capture_on_commit_callbacks,
):
    # 環境政策課's only official has left (account closed): nobody there can be told.
    gone = UserFactory(email="gone@example.org")
    make_official(gone)
    services.official_assign(actor=None, user=gone, department=other_department)
    gone.is_active = False
    gone.save()
    first = services.proposal_create(actor=member, group=group, theme=None, **FIELDS)
    services.proposal_submit(actor=member, proposal=first)
    second = services.proposal_create(actor=member, group=group, theme=None, **FIELDS)
    services.proposal_submit(actor=member, proposal=second)
    client.force_login(staff)

    form = client.get(reverse("collaboration:proposal_assign", args=[first.pk]))
    option = r'<option value="(\d+)"[^>]*>([^<]*)</option>'
    options = dict(re.findall(option, form.content.decode()))
    assert options[str(department.pk)] == "市民協働課"
    assert options[str(other_department.pk)] == "環境政策課（ポータルに担当者なし）"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("collaboration:proposal_assign", args=[first.pk]),
            {"department": other_department.pk, "answer_due": "2026-07-10"},
            follow=True,
        )
    page = response.content.decode()
    assert 'class="message message--warning"' in page
    assert "ただし環境政策課にはポータルを使う職員がいないため" in page
    assert "担当課と団体に知らせました" not in page
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    first.refresh_from_db()
    assert first.status == Proposal.Status.ASSIGNED and first.department == other_department
    # The proposal's page keeps reminding staff while it waits; the group is not shown it.
    reminder = "この担当課にはポータルを使う職員がいません"
    assert reminder in client.get(first.get_absolute_url()).content.decode()
    client.force_login(member)
    assert reminder not in client.get(first.get_absolute_url()).content.decode()
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("collaboration:proposal_assign", args=[second.pk]),
            {"department": department.pk, "answer_due": "2026-07-10"},
            follow=True,
        )
    page = response.content.decode()
    assert "提案を市民協働課へ送付し、担当課と団体に知らせました。" in page
    assert "message--warning" not in page and reminder not in page


def test_staff_enter_the_answer_a_department_without_portal_users_sent_them(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    other_department,
    django_capture_on_commit_callbacks,
):
    waiting = _assigned(member, group, staff, other_department)  # nobody there uses the portal
    client.force_login(staff)
    page = client.get(waiting.get_absolute_url()).content.decode()
    answer_url = reverse("collaboration:proposal_answer", args=[waiting.pk])
    assert f'href="{answer_url}">担当課の回答を記録する</a>' in page
    form = client.get(answer_url).content.decode()
    assert "環境政策課にはポータルを使う職員がいません" in form

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            answer_url, {"decision": "adopted", "reasons": "文書で回答：採択"}, follow=True
        )
    page = response.content.decode()
    assert "環境政策課の回答を記録しました。団体にメールで知らせました。" in page
    assert "担当課から届いた回答をオフィスが入力" in page
    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.ADOPTED
    answer = ProposalAnswer.objects.get(proposal=waiting)
    assert answer.recorded_by_office and answer.department == other_department
    assert answer.decided_by == staff
    assert ["member@example.org"] in [m.to for m in mail.outbox]
    assert AuditLog.objects.get(action="collaboration.proposal_answer").data["recorded_by_office"]
    # The group reads who entered it.
    client.force_login(member)
    assert (
        "担当課から届いた回答をオフィスが入力"
        in client.get(waiting.get_absolute_url()).content.decode()
    )


def test_staff_cannot_answer_for_a_department_whose_officials_use_the_portal(
    client, member, group, staff, department, department_official
):
    waiting = _assigned(member, group, staff, department)
    client.force_login(staff)
    page = client.get(waiting.get_absolute_url()).content.decode()
    answer_url = reverse("collaboration:proposal_answer", args=[waiting.pk])
    assert answer_url not in page
    assert client.get(answer_url).status_code == 403
    assert client.post(answer_url, {"decision": "adopted", "reasons": "x"}).status_code == 403
    with pytest.raises(services.CollaborationError):
        services.proposal_answer(
            actor=staff, proposal=waiting, department=department, decision="adopted", reasons="x"
        )
    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.ASSIGNED and not waiting.answers.exists()


def test_a_second_answer_to_a_decided_proposal_is_refused(
    client, member, group, staff, department, department_official, theme
):
    proposal = _assigned(member, group, staff, department, theme)
    client.force_login(department_official)
    url = reverse("collaboration:proposal_answer", args=[proposal.pk])
    client.post(url, {"decision": "continued", "reasons": "予算を再検討"})
    client.post(url, {"decision": "rejected", "reasons": "今年度は見送り"})
    response = client.post(url, {"decision": "adopted", "reasons": "やはり採択"}, follow=True)
    assert "この提案にはすでに回答があります（不採択）" in response.content.decode()
    assert list(proposal.answers.values_list("decision", flat=True)) == ["continued", "rejected"]
    with pytest.raises(services.CollaborationError):
        services.proposal_answer(
            actor=department_official,
            proposal=proposal,
            department=department,
            decision="adopted",
            reasons="x",
        )
    assert ProposalAnswer.objects.count() == 2


def test_another_departments_official_can_neither_see_nor_answer(
    client, member, group, staff, department, other_department_official, theme
):
    proposal = _assigned(member, group, staff, department, theme)
    client.force_login(other_department_official)
    assert client.get(proposal.get_absolute_url()).status_code == 403
    response = client.post(
        reverse("collaboration:proposal_answer", args=[proposal.pk]),
        {"decision": "adopted", "reasons": "横から採択"},
    )
    assert response.status_code == 403
    assert proposal.answers.count() == 0
    assert proposal.title not in client.get(reverse("collaboration:desk")).content.decode()
    # The service refuses it as well, whatever calls it.
    with pytest.raises(services.CollaborationError):
        services.proposal_answer(
            actor=other_department_official,
            proposal=proposal,
            department=other_department_official.department_post.department,
            decision="adopted",
            reasons="x",
        )


def test_a_crafted_post_for_another_groups_proposal_is_refused(
    client, member, group, other_member, other_group, theme
):
    proposal = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    client.force_login(other_member)
    for name in ("proposal_edit", "proposal_submit", "proposal_withdraw", "attachment_add"):
        response = client.post(reverse(f"collaboration:{name}", args=[proposal.pk]), FIELDS)
        assert response.status_code == 403, name
    assert client.get(proposal.get_absolute_url()).status_code == 403
    # Drafting in another group's name: the form offers only one's own groups.
    response = _post_form(client, theme, group=group.pk)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT and Proposal.objects.count() == 1


def test_own_proposals_only_within_a_call_window_when_staff_say_so(client, member, group, staff):
    services.settings_update(
        actor=staff, citizen_proposals=CollaborationSettings.CitizenProposals.WINDOWS
    )
    client.force_login(member)
    response = _post_form(client, group=group.pk)
    assert response.status_code == 200
    assert Proposal.objects.count() == 0
    services.window_save(
        actor=staff,
        window=CallWindow(
            title="2026年度 市民提案 募集",
            opens_on=dt.date(2026, 6, 1),
            closes_on=dt.date(2026, 6, 30),
        ),
    )
    assert _post_form(client, group=group.pk).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.CITIZEN and proposal.theme is None


def test_a_submitted_proposal_can_no_longer_be_edited(client, member, group, theme):
    proposal = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    services.proposal_submit(actor=member, proposal=proposal)
    client.force_login(member)
    client.post(
        reverse("collaboration:proposal_edit", args=[proposal.pk]), {**FIELDS, "title": "変更"}
    )
    proposal.refresh_from_db()
    assert proposal.title == FIELDS["title"]


def test_the_desk_is_for_staff_and_department_officials(client, citizen, official, member):
    for user in (citizen, official, member):
        client.force_login(user)
        assert client.get(reverse("collaboration:desk")).status_code == 403


def test_the_desk_and_themes_pages_have_fixed_query_counts(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    theme,
    django_assert_max_num_queries,
):
    for _n in range(6):
        _assigned(member, group, staff, department, theme)
    client.force_login(department_official)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration:desk")).status_code == 200
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration:desk")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("collaboration:themes")).status_code == 200
    client.force_login(member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("collaboration:proposals")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(Proposal.objects.first().get_absolute_url()).status_code == 200


def test_a_department_official_publishes_a_theme(client, department_official):
    client.force_login(department_official)
    response = client.post(
        reverse("collaboration:theme_create"),
        {
            "title": "公園の花壇の手入れ",
            "issue": "花壇の担い手がいない。",
            "expectations": "年間を通じた手入れ。",
            "budget_min": "",
            "budget_max": "200000",
            "deadline": "2026-08-31",
            "publish": "on",
        },
    )
    theme = Theme.objects.get()
    assert response.status_code == 302
    assert theme.status == Theme.Status.PUBLISHED and theme.department.name == "市民協働課"


def test_a_photo_attached_to_a_proposal_loses_its_location(client, member, group, theme):
    import io

    from PIL import Image

    proposal = services.proposal_create(actor=member, group=group, theme=theme, **FIELDS)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (33.0, 57.0, 0.0)}  # GPS
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("現場.jpg", buffer.getvalue(), "image/jpeg")
    client.force_login(member)
    client.post(reverse("collaboration:attachment_add", args=[proposal.pk]), {"file": photo})
    attachment = proposal.attachments.get()
    with attachment.file.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
        assert not kept.getexif()
    # Only those who may see the proposal download it.
    assert client.get(reverse("collaboration:attachment", args=[attachment.pk])).status_code == 200
    client.logout()
    response = client.get(reverse("collaboration:attachment", args=[attachment.pk]))
    assert response.status_code == 302
