"""Staff put forms on the downloads page: real PDF, Word and Excel files only, 10 MB at most."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from pages.forms import clean_download
from pages.models import DownloadFile
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office_file(kind: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\0")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [("規約.pdf", PDF), ("名簿.docx", office_file("docx")), ("申込書.xlsx", office_file("xlsx"))],
)
def test_real_documents_are_accepted_under_a_safe_name(name, content):
    clean = clean_download(SimpleUploadedFile(name, content))
    assert clean.name.endswith(name.rsplit(".", 1)[1]) and "規約" not in clean.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "PDF、Word"),
        ("fake.pdf", b"<html>not a pdf</html>", "PDF"),
        ("fake.docx", b"PK\x03\x04 broken", "Word"),
        ("sheet.docx", office_file("xlsx"), "Word"),
        ("macro.docx", office_file("docx", macros=True), "マクロ"),
        ("big.pdf", PDF[:-6] + b" " * (11 * 1024 * 1024) + b"%%EOF\n", "10"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(name, content, message, ja):
    with pytest.raises(ValidationError) as caught:
        clean_download(SimpleUploadedFile(name, content))
    assert message in " ".join(caught.value.messages)


def test_staff_upload_a_form_in_the_admin_and_visitors_download_it(client_for, staff):
    page, _ = make_page(staff, "downloads", title="様式ダウンロード")
    client = client_for("staff")
    url = reverse("admin:pages_page_change", args=[page.pk])
    response = client.post(
        url,
        {
            "title": page.title,
            "slug": page.slug,
            "kind": page.kind,
            "position": "0",
            "new_title": "様式ダウンロード",
            "new_body": "本文です。",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "files-TOTAL_FORMS": "1",
            "files-INITIAL_FORMS": "0",
            "files-0-title": "団体規約のひな形",
            "files-0-position": "1",
            "files-0-file": SimpleUploadedFile("規約.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = DownloadFile.objects.get()
    assert item.uploaded_by == staff and item.file.name.endswith(".pdf")
    assert AuditLog.objects.filter(action="pages.download_file_add").exists()
    html = client_for("anonymous").get("/downloads/").content.decode()
    assert "団体規約のひな形" in html and item.file.url in html


def test_a_script_uploaded_as_a_form_is_refused_in_the_admin(client_for, staff):
    page, _ = make_page(staff, "downloads")
    response = client_for("staff").post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "title": page.title,
            "slug": page.slug,
            "kind": page.kind,
            "position": "0",
            "new_title": "様式",
            "new_body": "本文です。",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "files-TOTAL_FORMS": "1",
            "files-INITIAL_FORMS": "0",
            "files-0-title": "怪しいファイル",
            "files-0-position": "1",
            "files-0-file": SimpleUploadedFile("form.pdf", b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 200
    assert not DownloadFile.objects.exists()


def test_the_demo_puts_the_three_forms_the_page_names_on_it_once(client):
    from pages import demo

    assert demo.add_demo_downloads() == 3  # on the starting text's page (data migration)
    assert demo.add_demo_downloads() == 0  # a page with files keeps its own
    page = client.get("/downloads/").content.decode()
    files = page.split('class="download-list"')[1].split("</ul>")[0]
    for title in ("団体規約（会則）のひな形", "役員名簿の様式", "会議室・機材の利用申込書（紙）"):
        assert title in files
    for item in DownloadFile.objects.all():
        with item.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            assert archive.testzip() is None  # a document an office program opens
