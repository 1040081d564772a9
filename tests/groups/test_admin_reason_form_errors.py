"""The admin's reason page (reject, suspend, withdraw with a reason) opens with the shared error
summary (issue #16, forms that forgive): a reason left empty or too long is named at the top,
linked to the field, what was typed stays, and no group is changed."""

import re

import pytest
from django.urls import reverse

from groups.models import Group
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def summary_of(page: str) -> str:
    found = re.search(
        r'<div class="errornote"><div class="form-errors error-summary" role="alert".*?</div>',
        page,
        re.S,
    )
    assert found, "the error summary is at the top of the form, in the admin's error box"
    return found.group(0)


@pytest.mark.parametrize(
    ("action", "status"),
    [("suspend_selected", Group.Status.REGISTERED), ("withdraw_selected", Group.Status.REGISTERED)],
)
def test_an_empty_reason_is_named_at_the_top_and_nothing_changes(client_for, action, status):
    group = GroupFactory(status=status)
    changelist = reverse("admin:groups_group_changelist")
    admin = client_for("staff")
    first = admin.post(changelist, {"action": action, "_selected_action": [group.pk]})
    assert first.status_code == 200
    assert "error-summary" not in first.content.decode(), "no errors before it is sent"
    response = admin.post(
        changelist,
        {"action": action, "_selected_action": [group.pk], "apply": "1", "reason": "  "},
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = summary_of(page)
    assert 'href="#id_reason"' in summary and "理由" in summary
    assert "1 か所を確認してください" in summary
    assert 'id="id_reason"' in page and "novalidate" in page
    group.refresh_from_db()
    assert group.status == status


def test_a_reason_too_long_is_kept_and_named(client_for):
    group = GroupFactory(status=Group.Status.APPLIED)
    changelist = reverse("admin:groups_groupapplication_changelist")
    reason = "長い理由。" * 500
    response = client_for("staff").post(
        changelist,
        {
            "action": "reject_selected",
            "_selected_action": [group.pk],
            "apply": "1",
            "reason": reason,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2000" in summary_of(page)
    assert reason in page, "what was typed stays in the field"
    group.refresh_from_db()
    assert group.status == Group.Status.APPLIED
