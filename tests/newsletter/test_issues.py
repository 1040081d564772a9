"""Newsletter issues on the site: by fiscal year, scheduled publication, cover and PDF."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsletter.forms import IssueAdminForm
from newsletter.models import NewsletterIssue
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db


def pdf_bytes(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"0" * size
    return body + b"\ntrailer <<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_issues_are_listed_by_fiscal_year(client):
    IssueFactory(number=1, title="令和6年度春号", published_on=dt.date(2024, 4, 15))
    IssueFactory(number=2, title="令和6年度冬号", published_on=dt.date(2025, 3, 20))
    IssueFactory(number=3, title="令和7年度春号", published_on=dt.date(2025, 4, 10))
    html = client.get(reverse("newsletter:list") + "?year=2024").content.decode()
    assert "令和6年度春号" in html and "令和6年度冬号" in html
    assert "令和7年度春号" not in html
    assert "令和6年度 (2024年度)" in html
    latest = client.get(reverse("newsletter:list")).content.decode()
    # Without a year, the newest fiscal year with issues.
    assert "令和7年度春号" in latest and "令和6年度春号" not in latest
    assert "?year=2024" in latest and "?year=2025" in latest


@pytest.mark.parametrize("bad", ["abc", "1999", "2024.5", "-1"])
def test_a_bad_year_is_a_404(client, bad):
    IssueFactory(published_on=dt.date(2024, 5, 1))
    assert client.get(reverse("newsletter:list") + f"?year={bad}").status_code == 404


def test_drafts_and_scheduled_issues_stay_hidden_until_their_day(client, client_for):
    draft = IssueFactory(title="下書き号", status=NewsletterIssue.Status.DRAFT, published_on=None)
    future = IssueFactory(title="来月号", published_on=timezone.localdate() + dt.timedelta(days=10))
    listed = client.get(reverse("newsletter:list")).content.decode()
    assert "下書き号" not in listed and "来月号" not in listed
    for issue in (draft, future):
        assert client.get(issue.get_absolute_url()).status_code == 404
        assert client_for("member").get(issue.get_absolute_url()).status_code == 404
        assert client_for("staff").get(issue.get_absolute_url()).status_code == 200
    assert "来月号" not in client.get(reverse("newsletter:feed")).content.decode()
    NewsletterIssue.objects.filter(pk=future.pk).update(published_on=timezone.localdate())
    assert client.get(future.get_absolute_url()).status_code == 200


def test_an_issue_page_shows_body_cover_and_pdf(client):
    issue = IssueFactory(number=42, title="特集号", body="**太字**<script>x</script>")
    issue.pdf.save("x.pdf", SimpleUploadedFile("x.pdf", pdf_bytes()), save=False)
    issue.cover.save("c.png", SimpleUploadedFile("c.png", png_bytes()), save=True)
    html = client.get("/newsletter/42/").content.decode()
    assert "第42号" in html and "<strong>太字</strong>" in html and "<script>x" not in html
    assert issue.pdf.url in html and issue.cover.url in html
    assert "紙面（PDF）" in html


def form_data(**overrides):
    data = {
        "number": 77,
        "title": "第77号",
        "status": "published",
        "published_on": "2025-06-01",
        "summary": "",
        "body": "本文",
    }
    data.update(overrides)
    return data


def test_a_real_pdf_is_accepted_with_a_safe_name():
    form = IssueAdminForm(
        form_data(), {"pdf": SimpleUploadedFile("紙面 最終.pdf", pdf_bytes(), "application/pdf")}
    )
    assert form.is_valid(), form.errors
    issue = form.save()
    assert issue.pdf.name.startswith("newsletter/pdf/") and issue.pdf.name.endswith(".pdf")
    assert "紙面" not in issue.pdf.name


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "fake.pdf"),
        (b"MZ\x90\x00 not a pdf", "virus.pdf"),
        (png_bytes(), "image.pdf"),
        (b"%PDF-1.4\n truncated without end", "broken.pdf"),
    ],
    ids=["html", "exe", "image", "truncated"],
)
def test_a_fake_pdf_is_refused(content, name):
    form = IssueAdminForm(
        form_data(), {"pdf": SimpleUploadedFile(name, content, "application/pdf")}
    )
    assert not form.is_valid()
    assert "pdf" in form.errors


def test_a_too_large_pdf_is_refused():
    big = pdf_bytes(size=10 * 1024 * 1024 + 1)
    form = IssueAdminForm(form_data(), {"pdf": SimpleUploadedFile("big.pdf", big)})
    assert not form.is_valid()
    assert "10 MB" in str(form.errors["pdf"]) or "10" in str(form.errors["pdf"])


def test_a_cover_that_is_not_an_image_is_refused():
    form = IssueAdminForm(form_data(), {"cover": SimpleUploadedFile("c.png", b"not an image")})
    assert not form.is_valid()
    assert "cover" in form.errors


def test_a_published_issue_needs_a_date():
    form = IssueAdminForm(form_data(published_on=""))
    assert not form.is_valid()


def test_staff_upload_an_issue_in_the_admin(client_for):
    response = client_for("staff").post(
        reverse("admin:newsletter_newsletterissue_add"),
        {
            **form_data(),
            "pdf": SimpleUploadedFile("issue.pdf", pdf_bytes()),
            "cover": SimpleUploadedFile("cover.png", png_bytes()),
            "runs-TOTAL_FORMS": "0",
            "runs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    issue = NewsletterIssue.objects.get(number=77)
    assert issue.pdf and issue.cover and issue.created_by.email == "staff@example.org"


def test_issue_list_query_count(client, django_assert_max_num_queries):
    for n in range(30):
        IssueFactory(published_on=dt.date(2025, 4, 1) + dt.timedelta(days=n * 7))
    with django_assert_max_num_queries(3):
        assert client.get(reverse("newsletter:list")).status_code == 200
