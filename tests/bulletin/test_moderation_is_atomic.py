"""A post's new status and its audit row are written together: when the audit row cannot be
written, the post keeps its old status (issue #13)."""

import pytest

from bulletin import services
from bulletin.models import BulletinPost
from tests.bulletin.factories import PostFactory

pytestmark = pytest.mark.django_db


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_down(monkeypatch):
    def fail(**kwargs):
        raise AuditDown

    monkeypatch.setattr(services, "log_action", fail)


@pytest.mark.parametrize(
    "action, start",
    [
        ("post_withdraw", BulletinPost.Status.PUBLISHED),
        ("post_hide", BulletinPost.Status.PUBLISHED),
        ("post_publish", BulletinPost.Status.PENDING),
    ],
)
def test_a_status_change_without_its_audit_row_is_not_saved(staff, audit_down, action, start):
    post = PostFactory(status=start)
    with pytest.raises(AuditDown):
        getattr(services, action)(actor=staff, post=post)
    post.refresh_from_db()
    assert post.status == start


def test_reports_are_not_resolved_when_publishing_fails(staff, audit_down):
    post = PostFactory(status=BulletinPost.Status.PENDING)
    post.reports.create(reason="other", reporter_key="user:1")
    with pytest.raises(AuditDown):
        services.post_publish(actor=staff, post=post)
    assert post.reports.filter(resolved=False).count() == 1
