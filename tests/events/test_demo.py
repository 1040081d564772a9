"""The demo data: years of exchange meetings with attendance, upcoming events, a survey."""

import io
import random

import pytest
from django.utils import timezone

from core.demo import DemoContext
from core.fiscal import FiscalYear
from core.models import AuditLog
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

    _assert_organiser_sees_their_event(ctx)
    _assert_only_states_the_services_reach()

    before = (Event.objects.count(), Registration.objects.count(), Response.objects.count())
    demo.seed(ctx)
    after = (Event.objects.count(), Registration.objects.count(), Response.objects.count())
    assert before == after


def _assert_organiser_sees_their_event(ctx):
    """The featured group organises an upcoming event with registrants, which its
    representative (a demo account) runs from /events/<slug>/manage/."""
    from events.permissions import can_manage_event

    rep = ctx.shared["users"]["rep@example.com"]
    event = Event.objects.get(
        organiser=ctx.shared["rep_group"],
        status=Event.Status.PUBLISHED,
        start__gt=timezone.now(),
    )
    assert can_manage_event(rep, event)
    registrants = Registration.objects.filter(event=event, status="confirmed")
    assert registrants.count() >= 5
    assert registrants.filter(share_needs_with_organiser=True).exists()


def _assert_only_states_the_services_reach():
    """Every registration of a past event was taken (an audit row, before the event ended) and
    confirmed before anyone was marked as come; attendance was recorded by an audit row of its
    event, after the event began; every walk-in has its own row; capacities hold."""
    logged = {
        action: set(AuditLog.objects.filter(action=action).values_list("target_id", flat=True))
        for action in (
            "events.registration_add_by_staff",
            "events.walk_in_add",
            "events.attendance_record",
        )
    }
    attended = Registration.objects.filter(attended=True).select_related("event")
    assert attended.exists()
    for registration in attended:
        assert registration.status == Registration.Status.CONFIRMED
        assert registration.confirmed_at is not None
        assert registration.confirmed_at <= registration.event.start
        if registration.is_walk_in:
            assert str(registration.pk) in logged["events.walk_in_add"]
        else:
            assert str(registration.pk) in logged["events.registration_add_by_staff"]
            assert str(registration.event_id) in logged["events.attendance_record"]
    marks = AuditLog.objects.filter(action="events.attendance_record")
    starts = dict(Event.objects.values_list("pk", "start"))
    assert all(m.created_at >= starts[int(m.target_id)] for m in marks)
    for event in Event.objects.all():
        booked = sum(
            r.people
            for r in event.registrations.all()
            if r.status == Registration.Status.CONFIRMED and not r.is_walk_in
        )
        assert booked <= event.capacity


@pytest.mark.date_sensitive
def test_coming_events_at_the_office_fall_on_days_it_is_open(ctx):
    """The demo asks for the office's rules like the product: at every fixed clock (the
    year-end closure three weeks ahead included) no coming event at the office is on a day
    the office is closed."""
    from facilities.selectors import office_closed_reason

    demo.seed(ctx)
    coming = Event.objects.filter(start__gte=timezone.now(), venue__contains="オフィス")
    assert coming.exists()
    for event in coming:
        day = timezone.localdate(event.start)
        assert office_closed_reason(day) is None, (event.title, day)
