"""A newsletter write and its audit row are saved together (issue #13): when the audit row
cannot be written, a test send is not recorded as done."""

import pytest

from newsletter import services
from newsletter.models import NewsletterIssue
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db


def test_a_test_send_without_its_audit_row_is_not_recorded(staff, monkeypatch):
    issue = IssueFactory(status=NewsletterIssue.Status.DRAFT, published_on=None)

    def fail(**kwargs):
        raise RuntimeError("audit log down")

    monkeypatch.setattr(services, "log_action", fail)
    with pytest.raises(RuntimeError):
        services.issue_test_send(actor=staff, issue=issue)
    issue.refresh_from_db()
    assert issue.test_sent_at is None
