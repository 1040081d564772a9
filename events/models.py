"""Events (exchange meetings, seminars, workshops), registrations, attendance and surveys.

Contract for the reports app (it aggregates these tables in SQL; names are stable):

- ``Event``: ``title``, ``slug``, ``kind`` (``"exchange"`` marks an exchange meeting, the KPI;
  also ``"seminar"``, ``"workshop"``, ``"other"``), ``start`` and ``end`` (aware datetimes),
  ``organiser`` (a ``groups.Group``; NULL means the office itself), ``capacity``, ``status``
  (``"published"``, ``"draft"``, ``"proposed"``, ``"cancelled"``), ``published_at`` (first
  published; a cancelled event with it NULL was never public).
- ``Registration``: ``event``, ``user`` (NULL for guests and walk-ins), ``guest_name``,
  ``guest_email``, ``group`` (the registered group the person came for, NULL if none),
  ``people`` (party size), ``status`` (``"confirmed"``, ``"waitlisted"``, ``"cancelled"``,
  ``"pending_guest_confirmation"``, ``"lottery_applied"``, ``"lottery_lost"``), ``is_walk_in``,
  ``attended`` (boolean) and ``attended_people`` (how many of the party actually came; always 0
  when ``attended`` is false). Walk-ins are rows with ``is_walk_in=True``, ``status="confirmed"``
  and their attendance recorded like everyone else's.
- Participants (the KPI) = ``SUM(attended_people)`` over registrations with ``attended`` true of
  published events (``kind="exchange"`` for exchange-meeting participants); counted in groups
  with ``COUNT(DISTINCT group_id)`` and by activity field through ``group.fields``.
  ``events.selectors.participants_by_fiscal_year`` shows the query.
- Surveys: ``Survey`` (``event`` NULL for a standalone survey), ``Question``, ``Response`` (one
  per person: ``user`` or, for a guest who attended, ``registration``), ``Answer``
  (``choices`` text array, ``rating`` 1–5, ``text``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Event slugs that would clash with the app's own addresses.
RESERVED_SLUGS = {"feed", "propose", "guest", "surveys"}


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def listed(self):
        """What the public list shows: published events and announced cancellations."""
        return self.filter(public_q())

    def upcoming(self, now: dt.datetime | None = None):
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def past(self, now: dt.datetime | None = None):
        return self.filter(end__lte=now or timezone.now()).order_by("-start", "-pk")

    def exchange_meetings(self):
        return self.filter(kind=Event.Kind.EXCHANGE)


class Event(models.Model):
    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Exchange meeting")
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed by a group (awaiting approval)")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    class Mode(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        LOTTERY = "lottery", _("Lottery")

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(
        _("web address name"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Letters, digits and hyphens; made from the date when left empty."),
    )
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.EXCHANGE)
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    organiser = models.ForeignKey(
        "groups.Group",
        verbose_name=_("organising group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("Leave empty when the office organises the event."),
    )
    # The office room, when the event takes one: a booking made through the facilities rules
    # (events.services.event_book_room); the room is ``booking.room``.
    booking = models.OneToOneField(
        "facilities.Booking",
        verbose_name=_("room booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event",
        editable=False,
    )
    venue = models.CharField(
        _("outside venue"),
        max_length=200,
        blank=True,
        help_text=_("For an event outside the office: the place's name and address."),
    )
    summary = models.CharField(_("short summary"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("event", "description"), blank=True)
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    fee_note = models.CharField(
        _("fee"), max_length=200, blank=True, help_text=_("e.g. Free / 500 yen for materials")
    )
    capacity = models.PositiveIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1)]
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("most people per registration"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    # A guest gives only an e-mail address that nobody has checked yet, and a pending guest
    # holds places for a while: two (the guest and one companion) keeps a stranger from
    # holding a table's worth of places with one form, while a family or group with an
    # account keeps the event's own limit. Staff raise it per event (a family day).
    guest_max_party_size = models.PositiveSmallIntegerField(
        _("most people per guest registration"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "For guests without an account; never more than the limit per registration above."
        ),
    )
    registration_opens = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Empty: open as soon as the event is published."),
    )
    registration_closes = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: registration closes when the event starts."),
    )
    allow_guests = models.BooleanField(
        _("guests without an account may register"),
        default=False,
        help_text=_("They give a name and an e-mail address and confirm by an e-mail link."),
    )
    waiting_list = models.BooleanField(
        _("keep a waiting list when full"),
        default=True,
    )
    mode = models.CharField(
        _("how places are given"), max_length=20, choices=Mode.choices, default=Mode.FIRST_COME
    )
    draw_at = models.DateTimeField(
        _("lottery draw time"),
        null=True,
        blank=True,
        help_text=_("Lottery only: applications are taken until this time, then places are drawn."),
    )
    drawn_at = models.DateTimeField(_("lottery drawn at"), null=True, blank=True, editable=False)
    draw_seed = models.CharField(_("lottery seed"), max_length=64, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, editable=False
    )
    # Set the first time the event is published and kept afterwards: a cancelled event is
    # public (an announced cancellation) only when it had been published.
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    staff_note = models.TextField(
        _("note from the office"),
        blank=True,
        help_text=_("Shown to the proposing group (e.g. why a proposal was not approved)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start", "pk"]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(fields=["kind", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="event_end_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(mode="lottery") | Q(draw_at__isnull=False),
                name="event_lottery_has_draw_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._free_slug()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # Published without events.services.event_approve (demo data, the shell).
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This web address name is reserved; choose another.")
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if self.mode == self.Mode.LOTTERY:
            if not self.draw_at:
                errors["draw_at"] = _("A lottery needs a draw time.")
            elif self.start and self.draw_at >= self.start:
                errors["draw_at"] = _("The draw must be before the event starts.")
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes <= self.registration_opens
        ):
            errors["registration_closes"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)

    def _free_slug(self) -> str:
        day = timezone.localtime(self.start).date() if self.start else timezone.localdate()
        base = f"{day:%Y-%m-%d}-{self.kind or 'event'}"
        taken = set(
            Event.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    # --- Derived facts (no queries unless stated)

    @property
    def is_exchange_meeting(self) -> bool:
        return self.kind == self.Kind.EXCHANGE

    @property
    def is_lottery(self) -> bool:
        return self.mode == self.Mode.LOTTERY

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_public(self) -> bool:
        """Anyone may see it: published, or an announced cancellation (see ``public_q``)."""
        return self.is_published or (self.is_cancelled and self.published_at is not None)

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return self.end <= (now or timezone.now())

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return self.start <= (now or timezone.now())

    @property
    def closes_at(self) -> dt.datetime:
        """When registration closes: the closing time, never later than the end."""
        closes = self.registration_closes or self.start
        return min(closes, self.end)

    @property
    def guest_party_limit(self) -> int:
        """Most people one guest registration may hold (the stricter of the two limits)."""
        return min(self.max_party_size, self.guest_max_party_size)

    def lottery_pending(self, now: dt.datetime | None = None) -> bool:
        """A lottery whose draw has not happened yet: people apply rather than register."""
        return self.is_lottery and self.drawn_at is None

    @property
    def applications_close_at(self) -> dt.datetime:
        """When the form stops taking entries: the draw time while a lottery is pending
        (check_registration_open refuses from then on), else the registration closing time."""
        if self.lottery_pending() and self.draw_at:
            return min(self.draw_at, self.closes_at)
        return self.closes_at

    @property
    def room(self):
        return self.booking.room if self.booking_id else None

    @property
    def place_label(self) -> str:
        room = self.room
        return str(room) if room is not None else self.venue

    @property
    def organiser_label(self) -> str:
        return str(self.organiser) if self.organiser_id else str(_("Kyodo Office"))

    def taken_places(self, now: dt.datetime | None = None) -> int:
        """People holding a place (one query unless annotated as ``taken``)."""
        annotated = getattr(self, "taken", None)
        if annotated is not None:
            return annotated
        value = self.registrations.filter(holding_places_q(now)).aggregate(n=Sum("people"))["n"]
        return value or 0

    def places_left(self, now: dt.datetime | None = None) -> int:
        return max(0, self.capacity - self.taken_places(now))


def public_q() -> Q:
    """Events anyone may see: published ones, and cancelled ones that had been published (a
    proposal or draft cancelled before publication, with the office's note, stays private)."""
    return Q(status=Event.Status.PUBLISHED) | Q(
        status=Event.Status.CANCELLED, published_at__isnull=False
    )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
        PENDING_GUEST = "pending_guest_confirmation", _("Waiting for e-mail confirmation")
        LOTTERY_APPLIED = "lottery_applied", _("Applied for the lottery")
        LOTTERY_LOST = "lottery_lost", _("Not selected in the lottery")

    LIVE = [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.PENDING_GUEST,
        Status.LOTTERY_APPLIED,
    ]

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    guest_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    guest_email = models.EmailField(_("e-mail address"), blank=True)
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=_("coming for the group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    people = models.PositiveSmallIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, db_index=True)
    # What a guest's registration becomes when the e-mail link is confirmed.
    status_on_confirm = models.CharField(
        _("status after confirmation"), max_length=32, choices=Status.choices, blank=True
    )
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    # A guest's connection as a keyed hash (never the address itself): its network (the
    # address, or the /64 of an IPv6 address) limits how many pending guests it may hold.
    client_key = models.CharField(max_length=32, blank=True, editable=False)
    waitlist_position = models.PositiveIntegerField(_("waiting-list order"), null=True, blank=True)
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    attended = models.BooleanField(_("attended"), default=False)
    attended_people = models.PositiveSmallIntegerField(_("people who came"), default=0)
    # When staff last recorded this row's attendance (came or not): empty = not recorded yet,
    # which the attendance page tells apart from "did not come".
    attendance_recorded_at = models.DateTimeField(
        _("attendance recorded at"), null=True, blank=True
    )
    note = models.CharField(_("staff note"), max_length=200, blank=True)
    # The registrant agreed, when registering, that the organising group may read their answers
    # to the accessibility-needs questions (配慮事項); without it only the office staff see them.
    share_needs_with_organiser = models.BooleanField(
        _("accessibility needs shared with the organising group"), default=False
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(
        pgettext_lazy("registration", "confirmed at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "status"]),
            # Confirmation mails sent to one address in the last hour (guests' limit).
            models.Index(
                fields=["guest_email", "created_at"],
                name="registration_guest_mail_time",
                condition=Q(user__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False)
                & Q(
                    status__in=[
                        "confirmed",
                        "waitlisted",
                        "pending_guest_confirmation",
                        "lottery_applied",
                    ]
                ),
                name="registration_one_live_per_user",
            ),
            models.UniqueConstraint(
                "event",
                Lower("guest_email"),
                condition=Q(user__isnull=True)
                & ~Q(guest_email="")
                & Q(
                    status__in=[
                        "confirmed",
                        "waitlisted",
                        "pending_guest_confirmation",
                        "lottery_applied",
                    ]
                ),
                name="registration_one_live_per_guest_email",
            ),
            # A walk-in may stay nameless: it is labelled "Walk-in" when shown (display_name).
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_name="") | Q(is_walk_in=True),
                name="registration_has_person",
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="registration_people_positive"),
            models.CheckConstraint(
                condition=Q(attended=True) | Q(attended_people=0),
                name="registration_attendance_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.event}"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        if self.is_walk_in and not self.guest_name:
            return gettext("Walk-in")
        return self.guest_name

    @property
    def email(self) -> str:
        if self.user_id:
            return self.user.email
        return self.guest_email

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def is_guest(self) -> bool:
        return self.user_id is None and not self.is_walk_in


def holding_places_q(now: dt.datetime | None = None, prefix: str = "") -> Q:
    """Registrations that hold places: confirmed ones (walk-ins aside) and guests whose
    confirmation is still awaited for a place (until their time limit)."""
    now = now or timezone.now()
    p = prefix
    return (Q(**{f"{p}status": Registration.Status.CONFIRMED}) & Q(**{f"{p}is_walk_in": False})) | (
        Q(**{f"{p}status": Registration.Status.PENDING_GUEST})
        & Q(**{f"{p}status_on_confirm": Registration.Status.CONFIRMED})
        & Q(**{f"{p}confirm_by__gt": now})
    )


class RegistrationQuestion(models.Model):
    """A question staff add to an event's registration form (懇親会, 配慮事項...)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no (tick box)")
        CHOICE = "choice", _("One of several options")
        TEXT = "text", _("Free text")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    kind = models.CharField(
        _("answer type"), max_length=10, choices=Kind.choices, default=Kind.YES_NO
    )
    options = models.TextField(
        _("options"), blank=True, help_text=_("For “one of several options”: one option per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    is_accessibility = models.BooleanField(
        _("asks about accessibility needs"),
        default=False,
        help_text=_(
            "Answers are shown to the organising group only when the registrant agrees; "
            "the office staff always see them."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["event", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": _("Enter at least two options, one per line.")})

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class RegistrationAnswer(models.Model):
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(
        RegistrationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    value = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("registration answer")
        verbose_name_plural = _("registration answers")
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="registration_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def is_affirmative(self) -> bool:
        """For the staff checklist: a ticked box, a chosen option or any text."""
        return bool(self.value) and self.value != "no"


# --- Surveys


class SurveyQuerySet(models.QuerySet):
    def open(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return self.filter(status=Survey.Status.OPEN).filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        )


class Survey(models.Model):
    class Audience(models.TextChoices):
        ATTENDEES = "attendees", _("People who attended the event")
        REPRESENTATIVES = "representatives", _("Representatives of registered groups")
        MEMBERS = "members", _("Members of registered groups")
        ACCOUNTS = "accounts", _("Anyone with an account")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", pgettext_lazy("survey status", "Closed")

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    description = models.TextField(_("introduction"), blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("Attach to an event to ask the people who attended it."),
    )
    audience = models.CharField(
        _("who may answer"), max_length=20, choices=Audience.choices, default=Audience.ATTENDEES
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    opens_at = models.DateTimeField(pgettext_lazy("survey", "opens"), null=True, blank=True)
    closes_at = models.DateTimeField(pgettext_lazy("survey", "closes"), null=True, blank=True)
    invitations_sent_at = models.DateTimeField(
        _("invitations sent at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audience="attendees") | Q(event__isnull=False),
                name="survey_attendees_need_event",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:survey", kwargs={"slug": self.slug})

    def clean(self):
        if self.audience == self.Audience.ATTENDEES and not self.event_id:
            raise ValidationError(
                {"event": _("Choose the event whose participants this survey asks.")}
            )
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or self.closes_at > now)
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RATING = "rating", _("Rating 1–5")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    CHOICE_KINDS = [Kind.SINGLE, Kind.MULTIPLE]
    TEXT_KINDS = [Kind.SHORT_TEXT, Kind.LONG_TEXT]

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("answer type"), max_length=12, choices=Kind.choices)
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_("For single and multiple choice: one option per line."),
    )
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        if self.kind in self.CHOICE_KINDS and len(self.option_list) < 2:
            raise ValidationError({"options": _("Enter at least two options, one per line.")})

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
        help_text=_("For a guest who attended without an account."),
    )
    group = models.ForeignKey(
        "groups.Group",
        verbose_name=pgettext_lazy("citizen group", "group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="response_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "registration"],
                condition=Q(registration__isnull=False),
                name="response_once_per_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = ArrayField(
        models.CharField(max_length=300), verbose_name=_("chosen options"), default=list, blank=True
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="answer_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        if self.rating:
            return str(self.rating)
        return " / ".join(self.choices) or self.text
