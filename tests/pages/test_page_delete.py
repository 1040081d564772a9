"""A page with versions is never deleted in the admin (its history, and the consents that point
at its versions); an empty page goes through pages.services.page_delete, audited."""

import pytest

from core.models import AuditLog
from pages.models import Page
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


def test_a_page_with_versions_cannot_be_deleted(client_for, staff):
    page, _version = make_page(staff, Page.Kind.OTHER, slug="history")
    client = client_for("staff")
    assert client.get(f"/admin/pages/page/{page.pk}/delete/").status_code == 403
    client.post(
        "/admin/pages/page/",
        {"action": "delete_selected", "_selected_action": [page.pk], "post": "yes"},
    )
    assert Page.objects.filter(pk=page.pk).exists()
    assert not AuditLog.objects.filter(action="pages.page_delete").exists()


def test_an_empty_page_is_deleted_with_an_audit_row(client_for, staff):
    page = Page.objects.create(title="空のページ", slug="empty", kind=Page.Kind.OTHER)
    client_for("staff").post(f"/admin/pages/page/{page.pk}/delete/", {"post": "yes"})
    assert not Page.objects.filter(pk=page.pk).exists()
    entry = AuditLog.objects.get(action="pages.page_delete")
    assert (entry.actor, entry.data) == (staff, {"page": "empty"})
