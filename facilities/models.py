"""Rooms, equipment and their bookings (施設・機材の予約).

Field names the reports app aggregates in SQL (keep them stable):

- ``Room``: ``name``, ``slug``, ``capacity``, ``is_active``.
- ``Booking``: ``room`` (FK), ``group`` (FK, nullable: office events and maintenance blocks have
  none), ``start`` and ``end`` (aware datetimes; booked hours = ``end - start``), ``period``
  (``DateTimeRangeField`` ``[start, end + the room's buffer)``, only for the exclusion constraint:
  do not use it for hours), ``status`` (``requested`` / ``confirmed`` / ``used`` / ``cancelled`` /
  ``rejected`` / ``no_show``), ``kind`` (``group`` / ``office`` / ``event`` / ``maintenance``),
  ``attendees`` (expected), ``actual_headcount`` (recorded by staff when ``used``),
  ``printing_masters`` and ``printing_sheets`` (risograph use, for cost recovery).
- ``BookingEquipment``: ``booking``, ``equipment``, ``quantity``.
- ``Equipment``: ``name``, ``slug`` (links: ``?equipment=<slug>``), ``quantity`` (owned).
- ``OpeningHours``: ``weekday`` (0 = Monday), ``opens``, ``closes``; a weekday without a row is
  closed. ``ClosedDay``: ``date``, ``room`` (null = the whole office), ``reason``. Public holidays
  and the year-end closure come from ``FacilitySettings`` (see ``facilities.calendar``).
- ``WalkInCount``: ``date``, ``count``, ``recorded_by`` (visitors of the open space without a
  booking).

Facility users (利用者数) of a period = ``Sum(actual_headcount)`` of ``used`` bookings whose start
falls in it + ``Sum(count)`` of its ``WalkInCount`` rows. Utilisation of a room = booked hours of
its ``used``/``confirmed`` bookings ÷ ``facilities.selectors.open_hours_by_room(first, last)``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import dates
from groups.models import Group

# Room slugs that would hide a page of the app (/facilities/day/, /facilities/desk/...).
RESERVED_SLUGS = {
    "day",
    "bookings",
    "desk",
    "feeds",
    "equipment",
    "book",
    "admin",
    "loans",
    "free",
}


def validate_room_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This web address name is reserved; choose another."))


class FacilitySettings(models.Model):
    """Office-wide booking rules (one row, edited in the admin)."""

    close_on_public_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_("Japanese public holidays, from the jpholiday library."),
    )
    close_year_end = models.BooleanField(
        _("closed for the year-end holidays"),
        default=True,
        help_text=_("December 29 to January 3."),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows before online booking is suspended"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_(
            "This many no-shows in one fiscal year suspend a group's online booking until staff "
            "lift the suspension."
        ),
    )
    group_monthly_hours = models.PositiveSmallIntegerField(
        _("hours per group per month (all rooms)"),
        null=True,
        blank=True,
        help_text=_(
            "All bookings of the month count, requests awaiting approval too. Empty: no limit."
        ),
    )

    loan_max_days = models.PositiveSmallIntegerField(
        _("longest take-out loan (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("From the pickup day to the return day, both included."),
    )
    loan_days_ahead = models.PositiveSmallIntegerField(
        _("take-out loans may be asked this many days ahead"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("booking rules")
        verbose_name_plural = _("booking rules")

    def __str__(self) -> str:
        return str(_("Booking rules"))

    @classmethod
    def load(cls) -> FacilitySettings:
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RoomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Room(models.Model):
    class Mode(models.TextChoices):
        SLOTS = "slots", _("Free times on a grid")
        BLOCKS = "blocks", _("Fixed blocks (morning / afternoon / evening)")

    class Window(models.TextChoices):
        MONTHS_AHEAD = "months_ahead", _("N months ahead of today")
        MONTH_START = "month_start", _("From the 1st of the month, N months before")

    name = models.CharField(pgettext_lazy("facility", "name"), max_length=80, unique=True)
    slug = models.SlugField(
        _("web address name"), max_length=60, unique=True, validators=[validate_room_slug]
    )
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    floor = models.CharField(_("floor"), max_length=40, blank=True)
    features = models.CharField(
        _("features"), max_length=300, blank=True, help_text=_("e.g. whiteboard, sink, Wi-Fi")
    )
    photo = models.ImageField(_("photo"), upload_to="facilities/rooms/", blank=True)
    notes = models.TextField(_("notes for users"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    online_booking = models.BooleanField(
        _("groups may book online"),
        default=True,
        help_text=_("Off: only staff book this room (by phone or at the desk)."),
    )
    requires_approval = models.BooleanField(_("needs staff approval"), default=False)
    mode = models.CharField(
        _("booking mode"), max_length=10, choices=Mode.choices, default=Mode.SLOTS
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot size (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    max_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=240, validators=[MinValueValidator(5)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between bookings (minutes)"),
        default=0,
        validators=[MaxValueValidator(120)],
        help_text=_("Time to tidy up after each booking before the next may start."),
    )
    window_kind = models.CharField(
        _("bookings open"),
        max_length=20,
        choices=Window.choices,
        default=Window.MONTHS_AHEAD,
    )
    window_months = models.PositiveSmallIntegerField(
        _("months"), default=2, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    cancel_deadline_hours = models.PositiveSmallIntegerField(
        _("cancellation deadline (hours before the start)"), default=24
    )
    group_monthly_hours = models.PositiveSmallIntegerField(
        _("hours per group per month in this room"),
        null=True,
        blank=True,
        help_text=_(
            "All bookings of the month count, requests awaiting approval too. Empty: no limit."
        ),
    )

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:room", kwargs={"slug": self.slug})

    def clean(self):
        if self.min_minutes and self.max_minutes and self.min_minutes > self.max_minutes:
            raise ValidationError(
                {"max_minutes": _("The longest booking must not be shorter than the shortest.")}
            )
        if self.slot_minutes and self.min_minutes and self.min_minutes % self.slot_minutes:
            raise ValidationError({"min_minutes": _("Use a multiple of the slot size.")})

    @property
    def uses_blocks(self) -> bool:
        return self.mode == self.Mode.BLOCKS

    @property
    def buffer(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.buffer_minutes)


class TimeBlock(models.Model):
    """A fixed block of a room booked by blocks (午前 / 午後 / 夜間)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="blocks")
    label = models.CharField(_("label"), max_length=20)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))

    class Meta:
        verbose_name = _("time block")
        verbose_name_plural = _("time blocks")
        ordering = ["room", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="facilities_block_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.starts:%H:%M}–{self.ends:%H:%M}"


def validate_equipment_slug(value: str) -> None:
    """Not digits alone: an old link's ``equipment=<number>`` is read as the piece's id."""
    if value.isdigit():
        raise ValidationError(_("Use at least one letter (digits alone are read as an id)."))


def default_equipment_slug(pk: int) -> str:
    """The web address name a piece gets when staff leave it empty: ``equipment-<id>``."""
    return f"equipment-{pk}"


class Equipment(models.Model):
    name = models.CharField(pgettext_lazy("facility", "name"), max_length=80, unique=True)
    slug = models.SlugField(
        _("web address name"),
        max_length=60,
        unique=True,
        blank=True,
        validators=[validate_equipment_slug],
        help_text=_(
            "Letters, digits and hyphens, used in links such as the free-room search "
            "(e.g. projector). Left empty, it becomes equipment-<number>."
        ),
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity owned"), default=1, validators=[MinValueValidator(1)]
    )
    may_leave_building = models.BooleanField(_("may be taken out of the building"), default=False)
    requires_approval = models.BooleanField(_("needs staff approval"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """A piece saved without a web address name gets ``equipment-<id>`` (known only once
        the row is written: a placeholder first, then the name in the same transaction)."""
        if self.slug:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            if self.pk is None:
                self.slug = f"equipment-new-{uuid.uuid4().hex}"
                super().save(*args, **kwargs)
                kwargs = {"using": kwargs.get("using"), "update_fields": ["slug"]}
            elif kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
            self.slug = default_equipment_slug(self.pk)
            if Equipment.objects.filter(slug=self.slug).exclude(pk=self.pk).exists():
                self.slug = f"{self.slug}-{uuid.uuid4().hex[:6]}"
            super().save(*args, **kwargs)
        return None


class OpeningHours(models.Model):
    """The office's opening hours on one weekday; a weekday without a row is closed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="facilities_hours_close_after_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """A day the office (or one room) is closed, beyond public holidays and the year end."""

    date = models.DateField(_("date"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closed_days",
        help_text=_("Empty: the whole office is closed."),
    )
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class BookingSeries(models.Model):
    """Bookings made together by one recurring request."""

    class Rule(models.TextChoices):
        WEEKLY = "weekly", _("Every week on the same weekday")
        MONTHLY_NTH = "monthly_nth", _("Every month on the same weekday of the month")

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = models.CharField(_("repeats"), max_length=20, choices=Rule.choices)
    count = models.PositiveSmallIntegerField(_("number of dates"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")

    def __str__(self) -> str:
        return f"{self.room} {self.get_rule_display()} ×{self.count}"


# Statuses that hold the room: the exclusion constraint, the clash check, equipment counts and
# every "live bookings" query use these (``Booking.LIVE_STATUSES``, ``Booking.objects.live()``).
BOOKING_LIVE_STATUSES = ("requested", "confirmed", "used", "no_show")


class BookingQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Booking.LIVE_STATUSES)

    def overlapping(self, start: dt.datetime, end: dt.datetime):
        """Bookings whose time meets [start, end). ``period`` ([start, end + buffer)) holds
        each booking's time, so its range test lets the exclusion constraint's GiST index find
        the few candidates (a ``start < x AND end > y`` test alone scans every earlier booking);
        the start/end test keeps the answer exact."""
        return self.filter(
            period__overlap=DateTimeTZRange(start, end, "[)"), start__lt=end, end__gt=start
        )

    def upcoming(self):
        return self.filter(end__gt=timezone.now())


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        USED = "used", _("Used")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Declined")
        NO_SHOW = "no_show", _("No-show")

    class Kind(models.TextChoices):
        GROUP = "group", _("Group booking")
        OFFICE = "office", _("Office use")
        EVENT = "event", _("Office event")
        MAINTENANCE = "maintenance", _("Maintenance (blocked)")

    LIVE_STATUSES = BOOKING_LIVE_STATUSES
    # Statuses a booking can still be cancelled from.
    OPEN_STATUSES = ("requested", "confirmed")

    # No index of their own: those on (room, start) and (group, start) lead with them and serve
    # every search by room or group alone; one index fewer each for every booking to write.
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,
    )
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROUP)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    period = DateTimeRangeField(_("period held (with buffer)"))
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("expected attendees"), default=1)
    actual_headcount = models.PositiveIntegerField(_("actual headcount"), null=True, blank=True)
    printing_masters = models.PositiveIntegerField(_("printing masters"), default=0)
    printing_sheets = models.PositiveIntegerField(_("printing sheets"), default=0)
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("recurring booking"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    status_reason = models.CharField(
        _("reason (cancellation, refusal)"), max_length=300, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # A change (予約の変更) of a confirmed booking that needs staff approval is a request of its
    # own pointing at the booking it would replace: the original holds until staff decide, and
    # the request holds the new time (the exclusion constraint treats the two as one family, so
    # a change may overlap its own original). Approving it cancels the original.
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("change of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "room_id"]
        indexes = [
            models.Index(fields=["room", "start"]),
            models.Index(fields=["group", "start"]),
            # By time, with the columns the reports count carried in the index: a year's
            # report reads two years of bookings (tens of thousands) from the index alone,
            # without visiting each booking's row (issue #20: a fifth of its time).
            models.Index(
                fields=["start"],
                include=["id", "room", "status", "kind", "end", "actual_headcount", "group"],
                name="facilities_booking_start_cover",
            ),
            models.Index(fields=["status", "start"]),
            # Live bookings by time alone, every room: the equipment in use at a time and the
            # grids of a day (issue #20). The exclusion constraint's index leads with the room,
            # so a search by time alone walks a good part of it (60 pages for an hour).
            GistIndex(
                fields=["period"],
                condition=Q(status__in=list(BOOKING_LIVE_STATUSES)),
                name="facilities_booking_live_period",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="facilities_booking_end_after_start"
            ),
            ExclusionConstraint(
                name="facilities_booking_no_overlap",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                    # A pending change and the booking it replaces are one family.
                    (Coalesce("replaces", "id"), RangeOperators.NOT_EQUAL),
                ],
                condition=Q(status__in=list(BOOKING_LIVE_STATUSES)),
            ),
            # One pending change per booking at a time.
            models.UniqueConstraint(
                fields=["replaces"],
                condition=Q(status="requested"),
                name="facilities_booking_one_pending_change",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return f"{self.room} {dates.day_time(start)}–{end.hour}:{end:%M}"

    @staticmethod
    def period_for(start: dt.datetime, end: dt.datetime, buffer_minutes: int) -> DateTimeTZRange:
        return DateTimeTZRange(start, end + dt.timedelta(minutes=buffer_minutes), "[)")

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class EquipmentLine(models.Model):
    """So many of one piece of equipment, on a room booking or a take-out loan."""

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("equipment"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.equipment} ×{self.quantity}"


class BookingEquipment(EquipmentLine):
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="equipment_items", db_index=False
    )

    class Meta:
        verbose_name = _("equipment on a booking")
        verbose_name_plural = _("equipment on bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "equipment"], name="facilities_equipment_once_per_booking"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="facilities_equipment_quantity_positive"
            ),
        ]
        indexes = [models.Index(fields=["equipment", "booking"])]


class NoShowSuspension(models.Model):
    """A group's online booking suspended after too many no-shows, until staff lift it."""

    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    no_shows = models.PositiveSmallIntegerField(_("no-shows"))
    created_at = models.DateTimeField(_("suspended at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("booking suspension")
        verbose_name_plural = _("booking suspensions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(lifted_at__isnull=True),
                name="facilities_one_active_suspension_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} ({self.fiscal_year})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class WalkInCount(models.Model):
    """Visitors of the open space on one day who came without a booking (counted at the desk)."""

    date = models.DateField(_("date"), unique=True)
    count = models.PositiveIntegerField(_("walk-in visitors"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("walk-in count")
        verbose_name_plural = _("walk-in counts")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.count}"


class GroupCalendarFeed(models.Model):
    """The secret address of a group's private calendar feed (its representative may reset it)."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group calendar feed")
        verbose_name_plural = _("group calendar feeds")

    def __str__(self) -> str:
        return str(self.group)


# --- take-out loans (持ち出し貸出) ---------------------------------------------------------------


class EquipmentLoanQuerySet(models.QuerySet):
    def live(self):
        """Loans that hold their equipment over their period."""
        return self.filter(status__in=EquipmentLoan.LIVE_STATUSES)

    def overlapping(self, start: dt.datetime, end: dt.datetime):
        return self.filter(start__lt=end, end__gt=start)

    def overdue(self, now: dt.datetime | None = None):
        """Handed out and not back after the office closed on the return day."""
        return self.filter(status=EquipmentLoan.Status.HANDED_OUT, end__lt=now or timezone.now())


class EquipmentLoan(models.Model):
    """A registered group borrows equipment that may leave the building, from the office's
    opening on the pickup day to its closing on the return day."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        HANDED_OUT = "handed_out", pgettext_lazy("loan status", "Handed out")
        RETURNED = "returned", pgettext_lazy("loan status", "Returned")
        CANCELLED = "cancelled", _("Cancelled")
        REFUSED = "refused", _("Declined")

    # Statuses that hold the equipment over the loan's period.
    LIVE_STATUSES = ("requested", "confirmed", "handed_out")
    # Statuses a loan can still be cancelled from.
    OPEN_STATUSES = ("requested", "confirmed")

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.PROTECT,
        related_name="equipment_loans",
        db_index=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    pickup_date = models.DateField(_("pickup day"))
    return_date = models.DateField(_("return day"))
    start = models.DateTimeField(_("from (office opens on the pickup day)"))
    end = models.DateTimeField(_("until (office closes on the return day)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    staff_notes = models.TextField(_("staff notes"), blank=True)
    status_reason = models.CharField(
        _("reason (cancellation, refusal)"), max_length=300, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed out by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return received by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EquipmentLoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("take-out loan")
        verbose_name_plural = _("take-out loans")
        ordering = ["pickup_date", "pk"]
        indexes = [
            models.Index(fields=["group", "pickup_date"]),
            models.Index(fields=["status", "start", "end"]),
            models.Index(fields=["pickup_date"]),
            models.Index(fields=["return_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_date__gte=F("pickup_date")),
                name="facilities_loan_return_not_before_pickup",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="facilities_loan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {dates.day(self.pickup_date)}–{dates.short_day(self.return_date)}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.status == self.Status.HANDED_OUT and self.end < (now or timezone.now())


class EquipmentLoanItem(EquipmentLine):
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    loan = models.ForeignKey(
        EquipmentLoan, on_delete=models.CASCADE, related_name="items", db_index=False
    )

    class Meta:
        verbose_name = _("equipment on a loan")
        verbose_name_plural = _("equipment on loans")
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "equipment"], name="facilities_equipment_once_per_loan"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="facilities_loan_quantity_positive"
            ),
        ]
        indexes = [models.Index(fields=["equipment", "loan"])]
