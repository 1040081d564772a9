"""Named reads of the events app (each list is a small, fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Collate, NullIf, TruncMonth
from django.utils import timezone

from core.fiscal import FiscalYear, FiscalYearOf
from events import tokens
from events.models import (
    Answer,
    Event,
    Question,
    Registration,
    RegistrationAnswer,
    Response,
    Survey,
    holding_places_q,
)
from groups.models import ActivityField, Group, Membership


def with_places(queryset, now: dt.datetime | None = None):
    """Annotate ``taken`` (people holding places) so ``places_left`` needs no query."""
    return queryset.annotate(
        taken=Coalesce(
            Sum("registrations__people", filter=holding_places_q(now, prefix="registrations__")),
            0,
        )
    )


def _base():
    return Event.objects.select_related("organiser", "booking__room")


# --- Places and the queue (read by the services under the event's row lock)


def places_taken(event: Event, now: dt.datetime) -> int:
    """People holding places of the event at ``now`` (confirmed, and guests whose hold has
    not expired)."""
    total = event.registrations.filter(holding_places_q(now)).aggregate(n=Sum("people"))["n"]
    return total or 0


def has_waitlist(event: Event) -> bool:
    return event.registrations.filter(status=Registration.Status.WAITLISTED).exists()


def waitlist_next_position(event: Event) -> int:
    """The position the next person joining the waiting list gets (after everyone waiting)."""
    top = event.registrations.filter(status=Registration.Status.WAITLISTED).aggregate(
        m=Max("waitlist_position")
    )
    return (top["m"] or 0) + 1


def live_registration_of(
    event: Event, *, user=None, email: str = "", exclude: int | None = None
) -> Registration | None:
    """The live registration of a person (an account, or else an e-mail address) for the event,
    made with their account or as a guest with the same address (case-insensitive).

    The partial unique constraints each see one side only (an account's address lives on the
    user), so this check, run under the event's row lock, keeps one person to one place.
    """
    if user is not None:
        email = user.email
    email = email.strip()
    match = Q(user=user) if user is not None else None
    if email:
        by_email = Q(user__isnull=True, guest_email__iexact=email) | Q(user__email__iexact=email)
        match = by_email if match is None else match | by_email
    if match is None:
        return None
    live = event.registrations.filter(match, status__in=Registration.LIVE)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    return live.order_by("pk").first()


def guest_holds_from(event: Event, *, client_key: str, now: dt.datetime) -> int:
    """Unconfirmed, unexpired guest registrations of the event made from one network."""
    return event.registrations.filter(
        status=Registration.Status.PENDING_GUEST, client_key=client_key, confirm_by__gt=now
    ).count()


def guest_registrations_since(email: str, *, since: dt.datetime) -> int:
    """Guest registrations (each sent a confirmation mail) for ``email`` since ``since``,
    across events."""
    return Registration.objects.filter(
        user__isnull=True, guest_email=email, created_at__gt=since, is_walk_in=False
    ).count()


# --- What the cron jobs act on


def events_to_remind(now: dt.datetime) -> list[Event]:
    """Published events that start tomorrow (Asia/Tokyo) and have not had their reminders."""
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time.min, tzinfo=timezone.get_current_timezone())
    return list(
        Event.objects.published().filter(
            start__gte=start, start__lt=start + dt.timedelta(days=1), reminder_sent_at__isnull=True
        )
    )


def lotteries_due(now: dt.datetime) -> list[Event]:
    """Published lottery events whose draw time has passed and that are not drawn yet."""
    return list(
        Event.objects.published().filter(
            mode=Event.Mode.LOTTERY, drawn_at__isnull=True, draw_at__lte=now
        )
    )


def surveys_due(now: dt.datetime) -> list[Survey]:
    """Open surveys of attendees whose event has ended and whose invitations are not sent."""
    return list(
        Survey.objects.open(now).filter(
            audience=Survey.Audience.ATTENDEES,
            invitations_sent_at__isnull=True,
            event__end__lte=now,
        )
    )


def events_with_expired_holds(now: dt.datetime) -> list[int]:
    """Ids (ascending) of events where a guest's unconfirmed hold has expired by ``now``."""
    return sorted(
        set(
            Registration.objects.filter(
                status=Registration.Status.PENDING_GUEST, confirm_by__lte=now
            ).values_list("event_id", flat=True)
        )
    )


# --- Lists


def upcoming(limit: int = 5) -> list[Event]:
    """Published upcoming events, soonest first (home page)."""
    return list(with_places(_base().published().upcoming())[:limit])


def events_between(first: dt.date, last: dt.date) -> list[Event]:
    """Published events that start on a day in [first, last] (local time), soonest first,
    past or future alike (newsletter digest). One query."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return list(
        _base().published().filter(start__gte=start, start__lt=after).order_by("start", "pk")
    )


def upcoming_for_group(group, limit: int = 5) -> list[Event]:
    """Published upcoming events organised by ``group`` (group page)."""
    return list(with_places(_base().published().upcoming().filter(organiser=group))[:limit])


def event_list(*, kind: str = "", organiser: str = "", now: dt.datetime | None = None):
    """Upcoming public events (published or announced cancelled), soonest first."""
    qs = _filtered(_base().listed(), kind=kind, organiser=organiser)
    return with_places(qs.upcoming(now), now)


def events_in_month(year: int, month: int, *, kind: str = "", organiser: str = ""):
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, month, 1, tzinfo=tz)
    after = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    qs = _filtered(_base().listed(), kind=kind, organiser=organiser)
    return with_places(qs.filter(start__gte=first, start__lt=after).order_by("start", "pk"))


def past_months(now: dt.datetime | None = None) -> list[dt.date]:
    """Months (first days, local time) in which public events took place, latest first."""
    now = now or timezone.now()
    rows = (
        Event.objects.listed()
        .filter(end__lte=now)
        .annotate(month=TruncMonth("start", tzinfo=timezone.get_current_timezone()))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    )
    return [timezone.localtime(m).date() if isinstance(m, dt.datetime) else m for m in rows]


def organiser_choices() -> list[Group]:
    """Groups that organise public events (for the list's filter)."""
    return list(
        Group.objects.filter(
            Exists(Event.objects.listed().filter(organiser=OuterRef("pk")))
        ).order_by("name_kana", "pk")
    )


def _filtered(qs, *, kind: str, organiser: str):
    if kind:
        qs = qs.filter(kind=kind)
    if organiser == "office":
        qs = qs.filter(organiser__isnull=True)
    elif organiser:
        qs = qs.filter(organiser__slug=organiser)
    return qs


# --- One event


def event_by_slug(slug: str) -> Event | None:
    return with_places(_base().filter(slug=slug)).prefetch_related("questions").first()


def event_for_page(slug: str) -> Event | None:
    """The event as its page shows it, in one read (issue #20): the places taken
    (``with_places``) and the people on the waiting list (``waitlisted``, what
    ``waitlist_size`` counts) summed in the same query. Its registration questions are read
    only where the registration form is built."""
    waiting = Q(registrations__status=Registration.Status.WAITLISTED)
    return (
        with_places(_base().filter(slug=slug))
        .annotate(waitlisted=Coalesce(Sum("registrations__people", filter=waiting), 0))
        .first()
    )


def registration_for(user, event: Event) -> Registration | None:
    """The user's live registration (or None), with its waiting-list rank as ``rank``."""
    if not (user and user.is_authenticated):
        return None
    return (
        with_waitlist_rank(
            Registration.objects.filter(event=event, user=user, status__in=Registration.LIVE)
        )
        .select_related("group")
        .first()
    )


def with_waitlist_rank(queryset):
    """Annotate ``rank``: a waiting registration's place in the queue, the one rule used on
    every page and in every e-mail: the people still waiting with an earlier position, plus
    one (a place given up leaves no gap). Plain SQL over the queryset's own table (a
    registrations queryset, not joined under another alias): built by the ORM, this count
    cost more than the rest of the query (issue #20)."""
    table = Registration._meta.db_table
    ahead = RawSQL(
        f"(SELECT COUNT(*) FROM {table} a WHERE a.event_id = {table}.event_id"
        f" AND a.status = %s AND a.waitlist_position < {table}.waitlist_position) + 1",
        [Registration.Status.WAITLISTED],
        output_field=IntegerField(),
    )
    return queryset.annotate(rank=ahead)


def waitlist_rank(registration: Registration) -> int | None:
    """The registration's place in the waiting-list queue (``with_waitlist_rank``), or None
    when it is not waiting."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ranked = with_waitlist_rank(Registration.objects.filter(pk=registration.pk))
    return ranked.values_list("rank", flat=True).first()


def waitlist_size(event: Event) -> int:
    """People on the waiting list (read with the event by ``event_for_page``)."""
    if getattr(event, "waitlisted", None) is not None:
        return event.waitlisted
    total = event.registrations.filter(status=Registration.Status.WAITLISTED).aggregate(
        n=Sum("people")
    )["n"]
    return total or 0


def events_for_feed(*, since: dt.datetime, limit: int = 1000) -> list[Event]:
    """Public events (published or announced cancelled) that end after ``since``, soonest
    first (the iCalendar feed)."""
    return list(_base().listed().filter(end__gte=since).order_by("start", "pk")[:limit])


def guest_registration(pk: int) -> Registration | None:
    """A guest's registration (not an account's, not a walk-in), with its event."""
    return (
        Registration.objects.select_related("event", "event__organiser")
        .filter(pk=pk, user__isnull=True, is_walk_in=False)
        .first()
    )


def open_survey_for_event(event: Event):
    return Survey.objects.open().filter(event=event).first()


# --- Staff: door list, checklist, attendance


def door_list(event: Event) -> list[Registration]:
    """Confirmed registrations, then walk-ins, each in 50音 order of the reading (the ICU
    collation ``ja-x-icu``, so hiragana and katakana readings sort together); people without a
    reading (guests, accounts without one) follow, by name. With their answers."""
    return list(
        event.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("user", "group")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=RegistrationAnswer.objects.select_related("question"),
            )
        )
        .annotate(
            no_reading=Case(
                When(user__full_name_kana__gt="", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "is_walk_in",
            "no_reading",
            Collate("user__full_name_kana", "ja-x-icu"),
            Collate(Coalesce(NullIf("user__full_name", Value("")), "guest_name"), "ja-x-icu"),
            "pk",
        )
    )


def registrants(event: Event, now: dt.datetime | None = None) -> dict[str, list[Registration]]:
    """The event's registrants for its organisers and the office, by state, each with its
    answers (questions prefetched): ``confirmed`` (walk-ins aside) and ``lottery`` in the order
    they registered, ``waiting`` in the queue's order (``rank``), ``pending`` guests still
    holding places until their confirmation time. Two queries whatever their number."""
    now = now or timezone.now()
    rows = list(
        with_waitlist_rank(
            event.registrations.filter(
                Q(
                    status__in=[
                        Registration.Status.CONFIRMED,
                        Registration.Status.WAITLISTED,
                        Registration.Status.LOTTERY_APPLIED,
                    ],
                    is_walk_in=False,
                )
                | Q(status=Registration.Status.PENDING_GUEST, confirm_by__gt=now)
            )
        )
        .select_related("user", "group")
        .prefetch_related(
            Prefetch("answers", queryset=RegistrationAnswer.objects.select_related("question"))
        )
        .order_by("created_at", "pk")
    )
    by_status = defaultdict(list)
    for row in rows:
        by_status[row.status].append(row)
    return {
        "confirmed": by_status[Registration.Status.CONFIRMED],
        "waiting": sorted(by_status[Registration.Status.WAITLISTED], key=lambda r: r.rank),
        "lottery": by_status[Registration.Status.LOTTERY_APPLIED],
        "pending": by_status[Registration.Status.PENDING_GUEST],
    }


def organised_events(events) -> list[Event]:
    """``events`` (a queryset) with ``confirmed_people`` and ``waiting_people`` annotated,
    in date order: what a member's My Page lists (one query)."""
    return list(
        events.annotate(
            confirmed_people=Coalesce(
                Sum(
                    "registrations__people",
                    filter=Q(
                        registrations__status=Registration.Status.CONFIRMED,
                        registrations__is_walk_in=False,
                    ),
                ),
                0,
            ),
            waiting_people=Coalesce(
                Sum(
                    "registrations__people",
                    filter=Q(registrations__status=Registration.Status.WAITLISTED),
                ),
                0,
            ),
        ).order_by("start", "pk")
    )


@dataclass
class ChecklistItem:
    question: object
    people: int = 0
    entries: list = field(default_factory=list)  # (registration, value)


def checklist(event: Event, registrations: list[Registration]) -> list[ChecklistItem]:
    """For each registration question, who answered yes / chose / wrote something."""
    items = {q.pk: ChecklistItem(question=q) for q in event.questions.all()}
    for registration in registrations:
        for answer in registration.answers.all():
            item = items.get(answer.question_id)
            if item is not None and answer.is_affirmative:
                item.people += registration.people
                item.entries.append((registration, answer.value))
    return list(items.values())


def attendance_summary(event: Event) -> dict:
    row = event.registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
        registered=Coalesce(Sum("people", filter=Q(is_walk_in=False)), 0),
        came=Coalesce(Sum("attended_people", filter=Q(attended=True)), 0),
        walk_ins=Coalesce(Sum("attended_people", filter=Q(is_walk_in=True)), 0),
        groups=Count("group", filter=Q(attended=True), distinct=True),
        # The registered rows (not walk-ins): recorded (came or not), did not come, not yet.
        rows=Count("pk", filter=Q(is_walk_in=False)),
        recorded=Count(
            "pk",
            filter=Q(is_walk_in=False)
            & (Q(attended=True) | Q(attendance_recorded_at__isnull=False)),
        ),
        absent=Count(
            "pk",
            filter=Q(is_walk_in=False, attended=False, attendance_recorded_at__isnull=False),
        ),
    )
    row["not_recorded"] = row["rows"] - row["recorded"]
    return row


def pending_guests(event: Event, now: dt.datetime | None = None) -> list[Registration]:
    """Guests whose e-mail confirmation is awaited and whose hold has not expired, soonest
    expiry first (the office sees who holds places and until when)."""
    now = now or timezone.now()
    return list(
        event.registrations.filter(
            status=Registration.Status.PENDING_GUEST, confirm_by__gt=now
        ).order_by("confirm_by", "pk")
    )


# --- My account


def account_panel(user) -> dict:
    """What "my account" shows of this app for the signed-in user."""
    now = timezone.now()
    registrations = list(
        with_waitlist_rank(
            Registration.objects.filter(user=user, status__in=Registration.LIVE, event__end__gt=now)
        )
        # The panel shows each event's title, time and link: no group rows (issue #20).
        .select_related("event")
        .order_by("event__start", "pk")
    )
    proposals = list(
        Event.objects.filter(
            proposed_by=user, status__in=[Event.Status.PROPOSED, Event.Status.DRAFT]
        ).order_by("start")
    )
    return {
        "registrations": [r for r in registrations if r.status != Registration.Status.WAITLISTED],
        "waitlisted": [r for r in registrations if r.status == Registration.Status.WAITLISTED],
        "surveys": surveys_to_answer(user, now=now),
        "proposals": proposals,
    }


def surveys_to_answer(user, now: dt.datetime | None = None) -> list[Survey]:
    """Open surveys the user may answer and has not answered yet (one query)."""
    if not (user and user.is_authenticated):
        return []
    memberships = Membership.objects.filter(user=user, group__status=Group.Status.REGISTERED)
    # Whether the user attended the event, is a member (or a representative) of a registered
    # group is asked inside the survey query itself (issue #20: one query instead of three, and
    # no join that needs DISTINCT).
    audience = (
        Q(audience=Survey.Audience.ACCOUNTS)
        | (
            Q(audience=Survey.Audience.ATTENDEES)
            & Exists(Registration.objects.filter(event=OuterRef("event"), user=user, attended=True))
        )
        | (Q(audience=Survey.Audience.MEMBERS) & Exists(memberships))
        | (
            Q(audience=Survey.Audience.REPRESENTATIVES)
            & Exists(memberships.filter(role=Membership.Role.REPRESENTATIVE))
        )
    )
    return list(
        Survey.objects.open(now)
        .filter(audience)
        .exclude(Exists(Response.objects.filter(survey=OuterRef("pk"), user=user)))
        .select_related("event")
        .order_by("closes_at", "pk")
    )


# --- Surveys: who is asked, results


def survey_registration(survey: Survey, pk) -> Registration | None:
    """A registration of the survey's event (the one a guest's survey link names)."""
    return Registration.objects.filter(pk=pk, event_id=survey.event_id).first()


def has_answered(survey: Survey, *, user=None, registration: Registration | None = None) -> bool:
    """Whether the account (or else the guest's registration) has answered the survey."""
    if user is not None:
        return survey.responses.filter(user=user).exists()
    return survey.responses.filter(registration=registration).exists()


def survey_invitees(survey: Survey) -> list[dict]:
    """E-mail addresses (one entry per address) of the people a survey asks."""
    invitees: dict[str, dict] = {}
    if survey.audience == Survey.Audience.ATTENDEES and survey.event_id:
        for registration in (
            Registration.objects.filter(event_id=survey.event_id, attended=True)
            .select_related("user")
            .order_by("pk")
        ):
            email = registration.email.lower()
            if not email or email in invitees:
                continue
            token = "" if registration.user_id else tokens.survey_token(survey, registration)
            invitees[email] = {"email": email, "name": registration.display_name, "token": token}
    elif survey.audience in (Survey.Audience.REPRESENTATIVES, Survey.Audience.MEMBERS):
        memberships = Membership.objects.filter(group__status=Group.Status.REGISTERED)
        if survey.audience == Survey.Audience.REPRESENTATIVES:
            memberships = memberships.filter(role=Membership.Role.REPRESENTATIVE)
        for membership in memberships.select_related("user").order_by("user_id"):
            email = membership.user.email.lower()
            invitees.setdefault(email, {"email": email, "name": str(membership.user), "token": ""})
    return list(invitees.values())


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list = field(default_factory=list)  # (label, count, percent)
    texts: list = field(default_factory=list)
    average: float | None = None


def survey_results(survey: Survey) -> tuple[int, list[QuestionResult]]:
    """Counts and percentages per question (aggregated in SQL), free texts listed.
    Percentages are of the people who answered the question (multiple choice may exceed 100%
    in total)."""
    questions = list(survey.questions.all())
    total = survey.responses.count()
    answered = dict(
        Answer.objects.filter(question__survey=survey)
        .values_list("question")
        .annotate(n=Count("pk"))
        .order_by()
    )
    choice_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for qid, choice, n in (
        Answer.objects.filter(question__survey=survey, question__kind__in=Question.CHOICE_KINDS)
        .annotate(choice=Func(F("choices"), function="unnest"))
        .values_list("question", "choice")
        .annotate(n=Count("*"))
        .order_by()
    ):
        choice_counts[qid][choice] = n
    rating_counts: dict[int, dict[int, int]] = defaultdict(dict)
    for qid, rating, n in (
        Answer.objects.filter(question__survey=survey, rating__isnull=False)
        .values_list("question", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rating_counts[qid][rating] = n
    texts: dict[int, list[str]] = defaultdict(list)
    for qid, text in (
        Answer.objects.filter(question__survey=survey, question__kind__in=Question.TEXT_KINDS)
        .exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values_list("question", "text")
    ):
        texts[qid].append(text)

    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=answered.get(question.pk, 0))
        base = result.answered or 1
        if question.is_choice:
            counts = choice_counts.get(question.pk, {})
            labels = question.option_list + sorted(set(counts) - set(question.option_list))
            result.rows = [
                (label, counts.get(label, 0), round(100 * counts.get(label, 0) / base, 1))
                for label in labels
            ]
        elif question.kind == Question.Kind.RATING:
            counts = rating_counts.get(question.pk, {})
            result.rows = [
                (str(r), counts.get(r, 0), round(100 * counts.get(r, 0) / base, 1))
                for r in range(1, 6)
            ]
            if result.answered:
                result.average = round(sum(r * n for r, n in counts.items()) / result.answered, 2)
        else:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return total, results


def survey_responses_for_export(survey: Survey):
    return (
        survey.responses.select_related("group")
        .prefetch_related("answers")
        .order_by("submitted_at", "pk")
    )


# --- Figures for the reports (participants KPI)


def participants_by_fiscal_year(kind: str | None = Event.Kind.EXCHANGE) -> dict[int, dict]:
    """Per fiscal year: events held and recorded participants (people who came), and the
    number of distinct groups that came. ``kind=None`` counts every kind of event."""
    events = Event.objects.published()
    if kind:
        events = events.filter(kind=kind)
    held = dict(
        events.annotate(fy=FiscalYearOf("start"))
        .values_list("fy")
        .annotate(n=Count("pk"))
        .order_by()
    )
    attendance = Registration.objects.filter(attended=True, event__in=events)
    rows = (
        attendance.annotate(fy=FiscalYearOf("event__start"))
        .values("fy")
        .annotate(people=Sum("attended_people"), groups=Count("group", distinct=True))
        .order_by("fy")
    )
    result = {fy: {"events": n, "participants": 0, "groups": 0} for fy, n in held.items()}
    for row in rows:
        result.setdefault(row["fy"], {"events": 0})
        result[row["fy"]].update(participants=row["people"] or 0, groups=row["groups"])
    return dict(sorted(result.items()))


def participants_by_activity_field(fiscal_year: int, kind: str | None = None) -> list[tuple]:
    """(activity field, people) for the recorded attendance of groups in that field in a fiscal
    year (a person who came for a group in two fields counts in both)."""
    year = FiscalYear(fiscal_year)
    prefix = "groups__event_registrations__"
    condition = Q(
        **{
            f"{prefix}attended": True,
            f"{prefix}event__status": Event.Status.PUBLISHED,
            f"{prefix}event__start__gte": year.start,
            f"{prefix}event__start__lt": year.end,
        }
    )
    if kind:
        condition &= Q(**{f"{prefix}event__kind": kind})
    rows = ActivityField.objects.annotate(
        people=Coalesce(Sum(f"{prefix}attended_people", filter=condition), 0)
    ).order_by("order", "pk")
    return [(activity_field, activity_field.people) for activity_field in rows]


# --- Office messages to an event's registrants

REGISTRANT_STATUSES = ("confirmed", "waitlisted", "attended", "absent")


def registrants_by_status(event_ids, statuses) -> list[tuple]:
    """(user id, e-mail, name, event id, event title) of the registrants of ``event_ids`` in
    any of ``statuses``: ``confirmed``, ``waitlisted``, ``attended`` (marked at the door) and
    ``absent`` (confirmed, not marked). Cancelled and lost places never; walk-ins only when
    they left an address. Of a cancelled event, ``confirmed`` or ``waitlisted`` reach those
    whose places its cancellation cancelled (to tell them), not those who cancelled before."""
    condition = Q(pk__in=[])
    if "confirmed" in statuses or "waitlisted" in statuses:
        # A cancelled event's registrants, to tell them: its cancellation cancelled their
        # places all at one moment (event_cancel), later than anyone cancelled their own.
        condition |= Q(
            event__status=Event.Status.CANCELLED,
            status=Registration.Status.CANCELLED,
            is_walk_in=False,
            cancelled_at=Subquery(
                Registration.objects.filter(event_id=OuterRef("event_id"))
                .order_by()
                .values("event_id")
                .annotate(last=Max("cancelled_at"))
                .values("last")
            ),
        )
    if "confirmed" in statuses:
        condition |= Q(status=Registration.Status.CONFIRMED)
    if "waitlisted" in statuses:
        condition |= Q(status=Registration.Status.WAITLISTED)
    if "attended" in statuses:
        condition |= Q(status=Registration.Status.CONFIRMED, attended=True)
    if "absent" in statuses:
        condition |= Q(status=Registration.Status.CONFIRMED, attended=False, is_walk_in=False)
    rows = (
        Registration.objects.filter(condition, event_id__in=list(event_ids))
        .annotate(
            address=Coalesce(NullIf("user__email", Value("")), NullIf("guest_email", Value(""))),
            person=Coalesce(NullIf("user__full_name", Value("")), "guest_name"),
        )
        .filter(address__isnull=False)
        .order_by("event__start", "event_id", "pk")
    )
    return list(rows.values_list("user_id", "address", "person", "event_id", "event__title"))


# --- the admin home (core.admin_site) ----------------------------------------------------------


def admin_waiting_counts() -> dict[str, int]:
    """Event proposals from groups waiting for the office's decision (one query)."""
    return {"proposals": Event.objects.filter(status=Event.Status.PROPOSED).count()}


def admin_events_of_day(day: dt.date) -> list[Event]:
    """The events held on ``day`` (begun or beginning that day, not yet ended before it; not
    cancelled, not drafts) by start, each with ``registered`` (people of confirmed
    registrations, walk-ins aside) and ``came`` (people marked as attended, walk-ins included):
    one query."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    finish = begin + dt.timedelta(days=1)
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    return list(
        Event.objects.filter(status=Event.Status.PUBLISHED, start__lt=finish, end__gt=begin)
        .select_related("booking__room")
        .annotate(
            registered=Coalesce(
                Sum(
                    "registrations__people",
                    filter=confirmed & Q(registrations__is_walk_in=False),
                ),
                0,
            ),
            came=Coalesce(
                Sum(
                    "registrations__attended_people",
                    filter=confirmed & Q(registrations__attended=True),
                ),
                0,
            ),
        )
        .order_by("start", "pk")
    )
