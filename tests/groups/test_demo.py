"""Demo data: dozens of believable groups over ten fiscal years, idempotent."""

import io
import random

import pytest
from django.db.models import Count

from accounts import demo as accounts_demo
from core.demo import DemoContext
from core.fiscal import FiscalYear
from groups import demo
from groups.models import Area, Consultation, Group, GroupDocument, Membership


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_has_dozens_of_groups_over_ten_years_and_runs_twice():
    ctx = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    accounts_demo.seed(ctx)
    demo.seed(ctx)

    registered = ctx.shared["groups"]
    assert 50 <= len(registered) <= 70
    assert all(g.status == Group.Status.REGISTERED for g in registered)
    assert {a.name for a in Area.objects.all()} >= {"川西", "川東", "上部", "大島", "大生院"}
    assert Group.objects.filter(status=Group.Status.WITHDRAWN).count() >= 3
    pending = Group.objects.filter(status=Group.Status.APPLIED)
    assert pending.count() >= 3
    assert GroupDocument.objects.filter(group__in=pending).count() == 2 * pending.count()

    rep_group, rep2_group = ctx.shared["rep_group"], ctx.shared["rep2_group"]
    assert rep_group != rep2_group and rep_group.is_registered and rep2_group.is_registered
    users = ctx.shared["users"]
    assert Membership.objects.get(group=rep_group, user=users["rep@example.com"]).is_representative
    assert Membership.objects.get(
        group=rep2_group, user=users["rep2@example.com"]
    ).is_representative
    assert not Membership.objects.filter(user=users["citizen@example.com"]).exists()
    # The member demo account is a plain member of the representative's group.
    (plain,) = Membership.objects.filter(user=users["member@example.com"])
    assert plain.group == rep_group and not plain.is_representative

    # Fields and areas are spread; readings are hiragana; numbers look like R7-023.
    assert Group.objects.registered().values("fields").distinct().count() >= 15
    assert Group.objects.registered().values("areas").distinct().count() == 10
    assert all(
        g.registration_number[0] in "HR" and "-" in g.registration_number for g in registered
    )

    # The register grows over the ten fiscal years (like 59 → 203).
    current = FiscalYear.current().year
    counts = [
        Group.objects.registered_at(FiscalYear(y).last_day).count()
        for y in range(current - 9, current + 1)
    ]
    assert counts == sorted(counts) or counts[-1] >= counts[0] * 2
    assert counts[0] < counts[-1] * 0.45

    # Consultations in every fiscal year, across categories and channels.
    years = {FiscalYear.of(d).year for d in Consultation.objects.values_list("held_on", flat=True)}
    assert years == set(range(current - 9, current + 1))
    by_channel = dict(Consultation.objects.values_list("channel").annotate(n=Count("pk")))
    assert set(by_channel) == {"visit", "phone", "email", "other"}

    before = (Group.objects.count(), Consultation.objects.count(), Membership.objects.count())
    again = DemoContext(scale=1, rng=random.Random(1), stdout=io.StringIO())
    accounts_demo.seed(again)
    demo.seed(again)
    assert (
        Group.objects.count(),
        Consultation.objects.count(),
        Membership.objects.count(),
    ) == before
    assert again.shared["rep_group"] == rep_group
    assert len(again.shared["groups"]) == len(registered)


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_puts_back_missing_activity_fields():
    """A database emptied by a test run (or a field staff removed) still gets its demo."""
    from groups.models import ActivityField

    ActivityField.objects.filter(slug__in=["children", "welfare"]).delete()
    ctx = DemoContext(scale=1, rng=random.Random(7), stdout=io.StringIO())
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    assert ActivityField.objects.filter(slug="children").exists()
    assert ctx.shared["rep_group"].fields.filter(slug="children").exists()


@pytest.mark.django_db
@pytest.mark.slow
def test_every_demo_group_lived_a_life_the_services_allow():
    """Each group was applied for by its representative; registered groups were approved (and
    numbered in the fiscal year of their approval) after they applied; renewals fall in years
    the group was registered; withdrawals, rejections and suspensions left their audit rows."""
    from core.models import AuditLog
    from groups.models import GroupRenewal

    ctx = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    accounts_demo.seed(ctx)
    demo.seed(ctx)

    log: dict[tuple[str, str], list] = {}
    for action, target_id, at in AuditLog.objects.filter(
        action__startswith="groups.group_"
    ).values_list("action", "target_id", "created_at"):
        log.setdefault((target_id, action), []).append(at)
    renewals: dict[int, set[int]] = {}
    for group_id, fiscal_year in GroupRenewal.objects.values_list("group_id", "fiscal_year"):
        renewals.setdefault(group_id, set()).add(fiscal_year)
    representatives = dict(
        Membership.objects.filter(role=Membership.Role.REPRESENTATIVE)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    today = ctx.today
    for group in Group.objects.all():
        pk = str(group.pk)
        assert representatives.get(group.pk) == 1, group
        (applied_at,) = log[(pk, "groups.group_apply")]
        if group.registered_on is None:
            assert (pk, "groups.group_approve") not in log
            assert group.pk not in renewals
            assert ((pk, "groups.group_reject") in log) == (group.status == Group.Status.REJECTED)
            continue
        (approved_at,) = log[(pk, "groups.group_approve")]
        assert applied_at <= approved_at
        assert group.registration_number.startswith(
            FiscalYear.of(group.registered_on).era_code + "-"
        )
        last = group.withdrawn_on or today
        allowed = set(range(FiscalYear.of(group.registered_on).year, FiscalYear.of(last).year + 1))
        assert renewals[group.pk] <= allowed, group
        assert FiscalYear.of(group.registered_on).year in renewals[group.pk]
        if group.status == Group.Status.WITHDRAWN:
            (withdrawn_at,) = log[(pk, "groups.group_withdraw")]
            assert approved_at <= withdrawn_at
            assert group.registered_on <= group.withdrawn_on < today
        if group.status == Group.Status.SUSPENDED:
            assert (pk, "groups.group_suspend") in log
    numbers = list(
        Group.objects.filter(registration_number__isnull=False).values_list(
            "registration_number", flat=True
        )
    )
    assert len(numbers) == len(set(numbers))
