"""The demo's go-between record (issue 18 part 4): three years of consultations referred and
introductions made, replayed through services_gobetween at their moments, so the follow-up page
and the report's figures have something to show; seeding twice adds nothing."""

import datetime as dt
import io
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from collaboration import demo, kpis
from collaboration.models import Partner
from collaboration.models_gobetween import Introduction
from core.demo import DemoContext
from core.fiscal import FiscalYear
from core.models import AuditLog
from groups.models import Consultation
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def office(staff):
    """Partners, registered groups and three years of consultations, one a week."""
    for name, kind in (("市民協働課", Partner.Kind.DEPARTMENT), ("港町印刷", Partner.Kind.COMPANY)):
        Partner.objects.create(name=name, kind=kind)
    groups = [
        GroupFactory(registered_on=TODAY - dt.timedelta(days=365 * 4), applied_on=None)
        for _ in range(4)
    ]
    categories = [Consultation.Category.PARTNERSHIP, Consultation.Category.ACCOUNTING]
    Consultation.objects.bulk_create(
        Consultation(
            held_on=TODAY - dt.timedelta(days=2 + 7 * n),
            group=groups[n % len(groups)] if n % 3 else None,
            person_name="" if n % 3 else "相談者",
            channel=Consultation.Channel.VISIT,
            category=categories[n % 2],
            summary="協力先を探している",
            staff_member=staff,
        )
        for n in range(160)
    )
    return staff


def _seed(staff) -> str:
    out = io.StringIO()
    ctx = DemoContext(scale=1, rng=random.Random(1), stdout=out, today=TODAY)
    ctx.shared["users"] = {"staff@example.com": staff}
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=TOKYO), tick=False):
        demo._gobetween(ctx)
    return out.getvalue()


def test_the_demo_records_three_years_of_referrals_and_introductions(office):
    said = _seed(office)
    rows = list(Introduction.objects.order_by("made_on", "pk"))
    referrals = [r for r in rows if r.kind == Introduction.Kind.REFERRAL]
    suggestions = [r for r in rows if r.kind == Introduction.Kind.SUGGESTION]
    assert len(referrals) >= 15 and len(suggestions) >= 15
    # Only consultations about partners, grants or volunteers are passed on, after they were held.
    assert all(r.consultation.category == Consultation.Category.PARTNERSHIP for r in referrals)
    assert all(r.made_on >= r.consultation.held_on for r in referrals)
    assert rows[0].made_on < TODAY - dt.timedelta(days=365 * 2)

    # Staff's follow-up page: some due (overdue or today), some later, the older ones closed.
    due = list(Introduction.objects.due(TODAY))
    later = [r for r in rows if r.is_pending and not r.is_due(TODAY)]
    closed = [r for r in rows if not r.is_pending]
    assert len(due) >= 3 and len(later) >= 2
    assert {r.outcome for r in closed} == {"connected", "no_result"}
    assert all(r.outcome_note for r in closed)
    assert f"{len(due)} follow-ups due" in said

    # Each step at its moment: recorded on the day it was made, closed after its follow-up.
    for row in rows:
        assert row.created_at.astimezone(TOKYO).date() == row.made_on
        assert row.assignee == office
    for row in closed:
        assert row.follow_up_on < row.outcome_on < TODAY - dt.timedelta(days=60)
    logged = AuditLog.objects.filter(action="collaboration.introduction_outcome")
    assert logged.count() == len(closed)
    assert {e.created_at.astimezone(TOKYO).date() for e in logged} == {r.outcome_on for r in closed}


def test_the_reports_figures_show_them_each_year(office):
    _seed(office)
    this_year = FiscalYear.of(TODAY).year
    years = kpis.yearly(first=this_year - 2, last=this_year)
    for year in (this_year - 2, this_year - 1, this_year):
        made = Introduction.objects.filter(
            made_on__range=(FiscalYear(year).first_day, FiscalYear(year).last_day)
        )
        assert years[year]["consultations_referred"] == made.filter(kind="referral").count()
        assert years[year]["introductions_made"] == made.filter(kind="suggestion").count()
    assert years[this_year]["consultations_referred"] > 0
    assert years[this_year]["introductions_made"] > 0
    assert years[this_year]["partners_involved"] == 2


def test_seeding_again_adds_nothing(office):
    _seed(office)
    count = Introduction.objects.count()
    assert "already there" in _seed(office)
    assert Introduction.objects.count() == count
