"""Joint projects (issue 18 part 3) as each role meets them: an adopted proposal becomes a project;
the office or the department records the agreement; the group writes progress reports and the
final report; both sides evaluate once each, and the joint evaluation shows when both have; the
public reads the project's page without its private data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration import services
from collaboration.models import Agreement, Evaluation, FinalReport, ProgressReport, Project
from core.models import AuditLog
from tests.collaboration.test_proposals import FIELDS

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "role_group": "食堂の運営とボランティアの募集",
    "role_city": "会場の提供と学校を通じた周知",
    "budget": "280000",
    "starts_on": "2026-06-01",
    "ends_on": "2027-02-28",
    "concluded_on": "2026-06-05",
    "summary": "月2回の子ども食堂を地域と市が一緒に開く。",
}
EVALUATION = {
    "rating_goals": "4",
    "rating_effect": "5",
    "rating_roles": "3",
    "rating_continuity": "4",
    "comment": "参加者が増え、地域の見守りにつながった。",
    "next_year": "revise",
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def project(member, group, staff, department, department_official):
    proposal = services.proposal_create(actor=member, group=group, **FIELDS)
    services.proposal_submit(actor=member, proposal=proposal)
    services.proposal_assign(
        actor=staff, proposal=proposal, department=department, answer_due=dt.date(2026, 7, 1)
    )
    services.proposal_answer(
        actor=department_official,
        proposal=proposal,
        department=department,
        decision="adopted",
        reasons="採択",
    )
    return Project.objects.get(proposal=proposal)


def _run(project, department_official, member):
    services.agreement_record(
        actor=department_official,
        project=project,
        role_group="運営",
        role_city="会場",
        budget=280000,
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2027, 2, 28),
        concluded_on=dt.date(2026, 6, 5),
    )
    project.refresh_from_db()
    return project


def _complete(project, department_official, member):
    _run(project, department_official, member)
    services.final_report_submit(
        actor=member, project=project, results="延べ300人", spending=270000
    )
    project.refresh_from_db()
    return project


def test_an_adopted_proposal_becomes_a_public_project(client, project, member, group):
    assert project.status == Project.Status.PREPARING
    assert project.group == group and project.department.name == "市民協働課"
    assert project.title == FIELDS["title"] and project.budget == FIELDS["budget"]
    listing = client.get(reverse("collaboration:projects")).content.decode()
    assert project.title in listing and project.get_absolute_url() in listing
    page = client.get(project.get_absolute_url()).content.decode()
    assert group.name in page and "市民協働課" in page and FIELDS["aim"] in page
    # The group's members find their workspace from their proposals.
    client.force_login(member)
    page = client.get(reverse("collaboration:proposals")).content.decode()
    assert project.get_workspace_url() in page
    assert "collaboration.project_create" in AuditLog.objects.values_list("action", flat=True)


def test_the_department_records_the_agreement_and_everyone_is_told(
    client, project, department_official, django_capture_on_commit_callbacks
):
    client.force_login(department_official)
    url = reverse("collaboration:agreement_record", args=[project.slug])
    assert client.get(url).status_code == 200
    pdf = SimpleUploadedFile("協定書.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\n", "application/pdf")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**AGREEMENT, "document": pdf})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.RUNNING
    assert project.starts_on == dt.date(2026, 6, 1) and project.budget == 280000
    assert project.agreement.concluded_on == dt.date(2026, 6, 5)
    assert [f.name for f in project.files.all()] == ["協定書.pdf"]
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"member@example.org", "dept@example.org"} <= recipients
    # Mails are in the office's language with the portal's prefix, and not sent silently.
    assert all(m.subject.startswith("[") for m in mail.outbox)
    assert any("協定" in m.subject for m in mail.outbox)
    # Its period reads as people write days, not 2026-06-01.
    body = next(m.body for m in mail.outbox if "協定" in m.subject)
    assert "2026年6月1日(月)" in body and "2026-06-01" not in body
    # A second agreement is refused with a message; nothing changes.
    response = client.post(url, {**AGREEMENT, "budget": "1"}, follow=True)
    assert "協定はすでに記録されています" in response.content.decode()
    assert Agreement.objects.get().budget == 280000


def test_when_nobody_in_the_department_uses_the_portal_the_messages_do_not_say_it_was_told(
    client, project, staff, member, department_official, django_capture_on_commit_callbacks
):
    department_official.is_active = False  # the department's only official has left
    department_official.save()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("collaboration:agreement_record", args=[project.slug]), AGREEMENT, follow=True
        )
    page = response.content.decode()
    assert 'class="message message--warning"' in page
    assert "市民協働課にはポータルを使う職員がいないため、担当課へ直接知らせてください" in page
    assert "団体と担当課に知らせました" not in page

    client.force_login(member)
    response = client.post(
        reverse("collaboration:progress_report_add", args=[project.slug]),
        {"reported_on": "2026-06-09", "text": "第1回を開催"},
        follow=True,
    )
    page = response.content.decode()
    assert "経過報告を保存しました。オフィスに知らせました。" in page
    assert "担当課とオフィスに知らせました" not in page

    # With an official back on the portal, the department is told and the message says so.
    department_official.is_active = True
    department_official.save()
    response = client.post(
        reverse("collaboration:progress_report_add", args=[project.slug]),
        {"reported_on": "2026-06-10", "text": "第2回を開催"},
        follow=True,
    )
    assert "担当課とオフィスに知らせました" in response.content.decode()


def test_an_agreement_that_ends_before_it_starts_is_refused_and_nothing_saved(
    client, project, staff
):
    client.force_login(staff)
    response = client.post(
        reverse("collaboration:agreement_record", args=[project.slug]),
        {**AGREEMENT, "ends_on": "2026-05-01"},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert AGREEMENT["role_group"] in response.content.decode()  # what was typed is kept
    project.refresh_from_db()
    assert project.status == Project.Status.PREPARING and not Agreement.objects.exists()


def test_the_group_writes_progress_and_final_reports(
    client, project, member, department_official, django_capture_on_commit_callbacks
):
    _run(project, department_official, member)
    client.force_login(member)
    photo = SimpleUploadedFile("様子.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\n", "application/pdf")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("collaboration:progress_report_add", args=[project.slug]),
            {"reported_on": "2026-06-09", "text": "第1回を開催、子ども24人。", "document": photo},
        )
    report = ProgressReport.objects.get()
    assert report.text == "第1回を開催、子ども24人。" and report.files.count() == 1
    assert any("dept@example.org" in m.to for m in mail.outbox)
    assert any("（2026年6月9日(火)）" in m.body for m in mail.outbox)
    # A report dated in the future is refused.
    response = client.post(
        reverse("collaboration:progress_report_add", args=[project.slug]),
        {"reported_on": "2026-07-01", "text": "未来"},
    )
    assert response.status_code == 200 and ProgressReport.objects.count() == 1
    client.post(
        reverse("collaboration:final_report_submit", args=[project.slug]),
        {"results": "延べ300人が参加した。", "spending": "270000", "spending_note": "食材費"},
    )
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    # The public page shows the results, never the spending or the reports.
    client.logout()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "延べ300人が参加した。" in page
    assert "270,000" not in page and "第1回を開催" not in page and "食材費" not in page
    # A second final report: a clear message, the first one kept.
    client.force_login(member)
    response = client.post(
        reverse("collaboration:final_report_submit", args=[project.slug]),
        {"results": "別の結果", "spending": "1"},
        follow=True,
    )
    assert "完了報告はすでに提出されています" in response.content.decode()
    assert FinalReport.objects.get().results == "延べ300人が参加した。"


def test_each_side_evaluates_once_and_the_evaluation_shows_when_both_have(
    client, project, member, department_official, staff, django_capture_on_commit_callbacks
):
    _complete(project, department_official, member)
    workspace = project.get_workspace_url()
    url = reverse("collaboration:evaluation_submit", args=[project.slug])
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, EVALUATION).status_code == 302
    page = client.get(workspace).content.decode()
    assert EVALUATION["comment"] not in page  # not shown until both sides have answered
    # The same side again: a clear message, nothing saved.
    response = client.post(url, {**EVALUATION, "comment": "二度目"}, follow=True)
    assert "団体はすでにこの事業を評価しています" in response.content.decode()
    with pytest.raises(services.CollaborationError):
        services.evaluation_submit(
            actor=member, project=project, side="group", **{**EVALUATION, "comment": "x"}
        )
    assert Evaluation.objects.count() == 1
    # The department answers; the joint evaluation is shown to both and the office.
    client.force_login(department_official)
    client.post(url, {**EVALUATION, "rating_goals": "2", "comment": "予算の執行が適切。"})
    assert Evaluation.objects.count() == 2
    for user in (member, department_official, staff):
        client.force_login(user)
        page = client.get(workspace).content.decode()
        assert EVALUATION["comment"] in page and "予算の執行が適切。" in page
        assert "変更して継続" in page
    keys = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "collaboration.agreement_record",
        "collaboration.final_report_submit",
        "collaboration.evaluation_submit",
    } <= keys


def test_ratings_outside_1_to_5_are_refused(client, project, member, department_official):
    _complete(project, department_official, member)
    client.force_login(member)
    response = client.post(
        reverse("collaboration:evaluation_submit", args=[project.slug]),
        {**EVALUATION, "rating_goals": "9"},
    )
    assert response.status_code == 200 and not Evaluation.objects.exists()


def test_a_crafted_post_for_another_groups_project_is_refused(
    client, project, member, other_member, other_department_official, department_official
):
    _run(project, department_official, member)
    client.force_login(other_member)
    for name, data in (
        ("progress_report_add", {"reported_on": "2026-06-09", "text": "横から"}),
        ("final_report_submit", {"results": "横から", "spending": "1"}),
        ("evaluation_submit", EVALUATION),
        ("agreement_record", AGREEMENT),
        ("project_document_add", {}),
    ):
        response = client.post(reverse(f"collaboration:{name}", args=[project.slug]), data)
        assert response.status_code == 403, name
    assert client.get(project.get_workspace_url()).status_code == 403
    client.force_login(other_department_official)
    assert client.get(project.get_workspace_url()).status_code == 403
    assert ProgressReport.objects.count() == 0 and not FinalReport.objects.exists()
    # The services refuse as well, whatever calls them.
    with pytest.raises(services.CollaborationError):
        services.progress_report_add(
            actor=other_member, project=project, reported_on=dt.date(2026, 6, 9), text="x"
        )


def test_the_public_list_filters_by_field_and_the_desk_lists_the_departments_projects(
    client, project, department_official, other_department_official, staff
):
    from groups.models import ActivityField

    field = ActivityField.objects.create(slug="kids", name="子ども")
    project.field = field
    project.save(update_fields=["field"])
    page = client.get(reverse("collaboration:projects"), {"field": "kids"}).content.decode()
    assert project.title in page
    page = client.get(reverse("collaboration:projects"), {"field": "nothing"}).content.decode()
    assert project.title in page  # an unknown field shows all, no error
    for user, sees in (
        (department_official, True),
        (staff, True),
        (other_department_official, False),
    ):
        client.force_login(user)
        desk = client.get(reverse("collaboration:desk")).content.decode()
        assert (project.get_workspace_url() in desk) is sees


def test_project_pages_have_fixed_query_counts(
    client,
    member,
    group,
    staff,
    department,
    department_official,
    project,
    django_assert_max_num_queries,
):
    _complete(project, department_official, member)
    for n in range(5):
        other = services.proposal_create(actor=member, group=group, **{**FIELDS, "title": f"別{n}"})
        services.proposal_submit(actor=member, proposal=other)
        services.proposal_assign(
            actor=staff, proposal=other, department=department, answer_due=dt.date(2026, 7, 1)
        )
        services.proposal_answer(
            actor=department_official,
            proposal=other,
            department=department,
            decision="adopted",
            reasons="採択",
        )
    for side_user in (member, department_official):
        side = "group" if side_user == member else "department"
        services.evaluation_submit(
            actor=side_user,
            project=project,
            side=side,
            **{k: (int(v) if k.startswith("rating") else v) for k, v in EVALUATION.items()},
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("collaboration:projects")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(project.get_absolute_url()).status_code == 200
    client.force_login(member)
    with django_assert_max_num_queries(16):
        assert client.get(project.get_workspace_url()).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("collaboration:proposals")).status_code == 200
    client.force_login(department_official)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("collaboration:desk")).status_code == 200
