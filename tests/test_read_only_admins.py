"""Records the portal writes itself are read-only in the admin: nobody adds, edits or deletes them.

The audit log, the mail log, the consents given at sign-up and the page-view counters.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuditLog
from maillog.models import SentMail
from pages.models import Consent
from reports.models import PageViewCounter
from tests.factories import UserFactory

READ_ONLY = [AuditLog, SentMail, Consent, PageViewCounter]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label)
def test_staff_cannot_add_a_record_the_portal_writes(client_for, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client_for("staff").get(url).status_code == 403


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m._meta.label)
def test_not_even_a_superuser_may_change_or_delete_it(db, model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
