"""A proposal's documents and a project's documents (collaboration.models.PrivateDocument, issue
#20's review): each kind goes to its own folder of the private storage, never under the public
media; it is listed under the name it came with, with who uploaded it and when, in the order of
upload; and only the people of the proposal or the project download it."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration import services
from collaboration.models import ProgressReport, Project, ProjectFile, ProposalAttachment
from tests.collaboration.test_proposals import FIELDS

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n%%EOF\n", "application/pdf")


def stored_under(document, folder: str) -> Path:
    """The document's file: in the private storage, in ``folder``, not in the public media."""
    path = Path(document.file.path)
    assert path.is_file()
    assert path.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert document.file.name.startswith(folder), document.file.name
    return path


def test_a_proposals_documents_are_kept_private_in_their_folder(client, member, group, citizen):
    proposal = services.proposal_create(actor=member, group=group, **FIELDS)
    client.force_login(member)
    url = reverse("collaboration:attachment_add", args=[proposal.pk])
    for name in ("計画書.pdf", "予算書.pdf"):
        assert client.post(url, {"file": pdf(name)}).status_code == 302

    first, second = ProposalAttachment.objects.filter(proposal=proposal)
    assert [str(first), str(second)] == ["計画書.pdf", "予算書.pdf"]
    assert (first.uploaded_by, first.uploaded_at) == (member, NOW)
    stored_under(first, "collaboration/proposals/")
    stored_under(second, "collaboration/proposals/")

    download = reverse("collaboration:attachment", args=[first.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(citizen)
    assert client.get(download).status_code in (403, 404)
    client.logout()
    assert client.get(download).status_code == 302


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


def test_a_projects_documents_are_kept_private_in_their_folder(
    client, project, member, department_official, citizen
):
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
    client.force_login(department_official)
    url = reverse("collaboration:project_document_add", args=[project.slug])
    assert client.post(url, {"file": pdf("協定書.pdf")}).status_code == 302
    client.force_login(member)
    url = reverse("collaboration:progress_report_add", args=[project.slug])
    report = {"reported_on": "2026-06-09", "text": "第1回の食堂を開いた。"}
    assert client.post(url, {**report, "document": pdf("報告資料.pdf")}).status_code == 302

    agreement, report_file = ProjectFile.objects.filter(project=project)
    assert [str(agreement), str(report_file)] == ["協定書.pdf", "報告資料.pdf"]
    assert (agreement.uploaded_by, agreement.uploaded_at, agreement.report) == (
        department_official,
        NOW,
        None,
    )
    assert (report_file.uploaded_by, report_file.report) == (member, ProgressReport.objects.get())
    stored_under(agreement, "collaboration/projects/")
    stored_under(report_file, "collaboration/projects/")

    download = reverse("collaboration:project_file", args=[agreement.pk])
    assert client.get(download).status_code == 200
    client.force_login(citizen)
    assert client.get(download).status_code in (403, 404)
