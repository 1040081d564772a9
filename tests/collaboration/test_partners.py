"""Partners and departments' officials (issue 18 part 1): staff keep them in the admin, audited;
an official belongs to at most one department; an account that is no longer an official loses
the desk even if its department row remains."""

import pytest
from django.urls import reverse

from accounts.roles import remove_official, sync_role_permissions
from collaboration import permissions, services
from collaboration.models import DepartmentOfficial, Partner
from core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_an_official_joins_a_department(staff, department, citizen):
    with pytest.raises(services.CollaborationError):
        services.official_assign(actor=staff, user=citizen, department=department)
    assert not DepartmentOfficial.objects.exists()


def test_a_company_has_no_officials(staff, official):
    company = Partner.objects.create(name="みなと製作所", kind=Partner.Kind.COMPANY)
    with pytest.raises(services.CollaborationError):
        services.official_assign(actor=staff, user=official, department=company)


def test_an_official_moves_to_another_department(
    staff, department, other_department, department_official
):
    services.official_assign(actor=staff, user=department_official, department=other_department)
    assert DepartmentOfficial.objects.get(user=department_official).department == other_department
    assert AuditLog.objects.filter(action="collaboration.official_assign").count() == 2


def test_an_account_no_longer_official_loses_the_desk(client, department_official):
    remove_official(department_official)
    fresh = type(department_official).objects.get(pk=department_official.pk)
    assert permissions.department_of(fresh) is None
    client.force_login(fresh)
    assert client.get(reverse("collaboration:desk")).status_code == 403


def test_staff_keep_partners_and_contacts_in_the_admin_audited(client, staff):
    sync_role_permissions()
    client.force_login(staff)
    response = client.post(
        reverse("admin:collaboration_partner_add"),
        {
            "name": "一宮町自治会",
            "kind": "neighbourhood",
            "summary": "一宮町の自治会",
            "offers": "集会所",
            "looks_for": "防災訓練の協力",
            "website": "",
            "is_active": "on",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-name": "会長 山本",
            "contacts-0-email": "yamamoto@example.jp",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(name="一宮町自治会")
    assert partner.contacts.get().name == "会長 山本"
    row = AuditLog.objects.get(action="collaboration.partner_save")
    assert "contacts" in row.data["fields"]


def test_officials_and_citizens_never_open_the_partners_admin(client, official, citizen):
    for user in (official, citizen, UserFactory()):
        client.force_login(user)
        response = client.get(reverse("admin:collaboration_partner_changelist"))
        assert response.status_code == 302  # the admin's login page
