"""The demo data: years of exchange meetings with attendance, upcoming events, a survey."""

import io
import random

import pytest
from django.utils import timezone

from core.demo import DemoContext
from core.fiscal import FiscalYear
from events import demo, selectors
from events.models import Event, Registration, Response, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def ctx(db):
    from accounts import demo as accounts_demo
    from groups import demo as groups_demo

    context = DemoContext(scale=1, rng=random.Random(2026), stdout=io.StringIO())
    accounts_demo.seed(context)
    groups_demo.seed(context)
    return context


def test_demo_seed(ctx):
    demo.seed(ctx)
    current = FiscalYear.current().year
    by_year = selectors.participants_by_fiscal_year()
    completed = [by_year[y]["participants"] for y in range(current - 7, current)]
    assert completed[0] == 83 and completed[-1] == 132
    assert completed == sorted(completed)
    assert all(by_year[y]["events"] >= 4 for y in range(current - 7, current))
    assert Event.objects.filter(kind=Event.Kind.SEMINAR, end__lt=timezone.now()).exists()
    assert Registration.objects.filter(is_walk_in=True, attended=True).exists()

    upcoming = list(selectors.event_list())
    assert any(e.places_left() > 0 and not e.is_lottery for e in upcoming)
    full = [e for e in upcoming if e.places_left() == 0 and selectors.waitlist_size(e)]
    assert full
    assert any(e.is_lottery and e.drawn_at is None for e in upcoming)
    assert Event.objects.filter(status=Event.Status.PROPOSED).exists()

    users = ctx.shared["users"]
    panel = selectors.account_panel(users["rep@example.com"])
    assert panel["waitlisted"] and panel["registrations"]
    assert any(s.audience == Survey.Audience.REPRESENTATIVES for s in panel["surveys"])
    assert selectors.account_panel(users["citizen@example.com"])["registrations"]

    event_survey = Survey.objects.get(event__isnull=False)
    total, results = selectors.survey_results(event_survey)
    assert total >= 10 and results[0].average
    assert Response.objects.filter(survey__event__isnull=True).count() >= 5

    before = (Event.objects.count(), Registration.objects.count(), Response.objects.count())
    demo.seed(ctx)
    after = (Event.objects.count(), Registration.objects.count(), Response.objects.count())
    assert before == after
