"""KPI targets in the admin go through reports.services (issue #14 part 3): set, changed and
removed with an audit row naming the figure before and after; a second target for the same year
and indicator is refused in the office's words and nothing is saved."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from reports import services
from reports.models import KpiTarget

pytestmark = pytest.mark.django_db


def _post(client, url, **values):
    data = {"fiscal_year": "2025", "key": "facility_users", "target": "6500", "note": ""}
    data.update(values)
    return client.post(url, data)


def test_a_target_is_set_changed_and_removed_with_its_audit_rows(client_for, staff):
    admin = client_for("staff")
    assert _post(admin, reverse("admin:reports_kpitarget_add")).status_code == 302
    target = KpiTarget.objects.get()
    row = AuditLog.objects.get(action="reports.kpi_target_set")
    assert row.actor == staff and row.data["value"] == "6500" and row.data["before"] == {}

    change = reverse("admin:reports_kpitarget_change", args=[target.pk])
    assert _post(admin, change, target="7000").status_code == 302
    target.refresh_from_db()
    assert target.target == 7000
    latest = AuditLog.objects.filter(action="reports.kpi_target_set").latest("pk")
    assert latest.data["before"]["target"] == "6500.0" and latest.data["value"] == "7000"

    delete = reverse("admin:reports_kpitarget_delete", args=[target.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert not KpiTarget.objects.exists()
    assert AuditLog.objects.get(action="reports.kpi_target_delete").data["value"] == "7000.0"


def test_a_second_target_for_the_same_year_and_indicator_is_refused(client_for, staff):
    admin = client_for("staff")
    _post(admin, reverse("admin:reports_kpitarget_add"))
    response = _post(admin, reverse("admin:reports_kpitarget_add"), target="1")
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "2025" in errors
    assert KpiTarget.objects.get().target == 6500
    assert AuditLog.objects.filter(action="reports.kpi_target_set").count() == 1


def test_only_staff_set_targets(official):
    with pytest.raises(services.ReportError):
        services.kpi_target_set(actor=official, fiscal_year=2025, key="facility_users", target=1)
    assert not KpiTarget.objects.exists()
