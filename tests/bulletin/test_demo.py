"""Demo data of the bulletin board: every post went through the services at its own moment."""

import io
import random

import pytest
from django.db.models import Count

from accounts import demo as accounts_demo
from bulletin import demo
from bulletin.models import MAX_DAYS_ON_BOARD, BulletinPost, PostReport
from core.demo import DemoContext
from core.models import AuditLog
from groups import demo as groups_demo
from groups.models import Membership


@pytest.mark.django_db
@pytest.mark.slow
def test_every_demo_post_was_posted_then_moderated_as_the_services_allow():
    ctx = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    accounts_demo.seed(ctx)
    groups_demo.seed(ctx)
    demo.seed(ctx)

    posts = list(BulletinPost.objects.all())
    assert len(posts) == 40
    by_status = dict(BulletinPost.objects.values_list("status").annotate(n=Count("pk")))
    assert by_status.get("published", 0) >= 25 and by_status.get("pending", 0) >= 1
    log = {}
    for action, target_id, at in AuditLog.objects.filter(
        action__startswith="bulletin."
    ).values_list("action", "target_id", "created_at"):
        log.setdefault((target_id, action), []).append(at)
    representatives = set(
        Membership.objects.filter(role=Membership.Role.REPRESENTATIVE).values_list(
            "group_id", "user_id"
        )
    )
    for post in posts:
        pk = str(post.pk)
        assert (post.group_id, post.author_id) in representatives
        assert log[(pk, "bulletin.post_create")] == [post.created_at]
        created_day = post.created_at.date()
        assert (post.expires_on - created_day).days <= MAX_DAYS_ON_BOARD
        if post.status == BulletinPost.Status.PENDING:
            assert (pk, "bulletin.post_publish") not in log and post.published_at is None
            continue
        (published_at,) = log[(pk, "bulletin.post_publish")]
        assert post.created_at < published_at == post.published_at
        assert post.expires_on >= published_at.date()
        if post.status == BulletinPost.Status.HIDDEN:
            assert log[(pk, "bulletin.post_hide")][0] > published_at
        if post.status == BulletinPost.Status.WITHDRAWN:
            assert log[(pk, "bulletin.post_withdraw")][0] > published_at
    assert PostReport.objects.count() == 2

    demo.seed(DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO()))
    assert BulletinPost.objects.count() == 40
