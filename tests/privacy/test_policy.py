"""The privacy policy lists every kind of personal data the portal holds, why, who sees it and
for how long, with the periods staff set: the two cannot drift apart."""

import pytest
from django.test import Client
from django.utils import translation

from core import personal_data
from core.audit import action_type
from core.models import AuditLog, RetentionSettings
from tests.pages.conftest import make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_page(staff):
    make_page(staff, "privacy", title="プライバシーポリシー", body="個人情報の取り扱いについて。")


def test_the_policy_lists_every_kind_of_data_with_its_period(ja, policy_page):
    page = Client().get("/privacy/").content.decode()
    with translation.override("ja"):
        for h in personal_data.holdings():
            assert str(h.what) in page, h.key
        assert "催しの後365日" in page  # guests' names and addresses, the default period
        assert "オフィスのスタッフの業務の記録" in page  # the staff's own records, listed apart


def test_a_period_staff_change_shows_in_the_policy_at_once(ja, policy_page):
    row = RetentionSettings.load()
    row.event_guests_days = 200
    row.save()
    page = Client().get("/privacy/").content.decode()
    assert "催しの後200日" in page and "催しの後365日" not in page


def test_the_policy_list_costs_one_query(django_assert_max_num_queries):
    RetentionSettings.load()
    with django_assert_max_num_queries(1):
        items = personal_data.policy()
    assert len(items) == len(personal_data.holdings())
    assert [i.about_staff for i in items] == sorted(i.about_staff for i in items)


def test_staff_change_the_periods_in_the_admin_and_it_is_audited(staff):
    client = Client()
    client.force_login(staff)
    row = RetentionSettings.load()
    url = f"/admin/core/retentionsettings/{row.pk}/change/"
    assert url in client.get("/admin/core/retentionsettings/").content.decode()
    data = {f"{kind}_days": row.days(kind) for kind in personal_data.RETENTION}
    data["mail_log_days"] = 90
    response = client.post(url, data)
    assert response.status_code == 302
    assert RetentionSettings.load().mail_log_days == 90
    entry = AuditLog.objects.get(action="core.retention_settings_change")
    assert entry.actor == staff and entry.data["fields"] == {"mail_log_days": 90}
    assert action_type("core.retention_settings_change") is not None


def test_a_period_of_zero_or_nonsense_is_refused_and_nothing_changes(staff):
    client = Client()
    client.force_login(staff)
    row = RetentionSettings.load()
    data = {f"{kind}_days": row.days(kind) for kind in personal_data.RETENTION}
    data["event_guests_days"] = "0"
    data["mail_log_days"] = "abc"
    response = client.post(f"/admin/core/retentionsettings/{row.pk}/change/", data)
    assert response.status_code == 200
    assert RetentionSettings.load().event_guests_days == 365
    assert not AuditLog.objects.filter(action="core.retention_settings_change").exists()
