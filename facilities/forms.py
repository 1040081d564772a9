from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.fiscal import TOKYO
from core.forms import CleanImageField
from facilities.models import Booking, BookingSeries, Equipment, Room
from facilities.rules import fmt_time
from facilities.services import (
    MAX_MONTHLY_REPEATS,
    MAX_WEEKLY_REPEATS,
    BookingError,
    check_attendees,
)
from facilities.services.details import BOOKING_DETAILS
from facilities.services.rooms import ROOM_FIELDS

LOCAL_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$")
REPEAT_NONE = "none"


def parse_local_datetime(value: str) -> dt.datetime:
    """``YYYY-MM-DDTHH:MM`` in Tokyo time → an aware datetime; ValueError for anything else."""
    match = LOCAL_DATETIME.match(value or "")
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute = (int(part) for part in match.groups())
    if not 2000 <= year <= 2100:
        raise ValueError(value)
    return dt.datetime(year, month, day, hour, minute, tzinfo=TOKYO)


def parse_iso_date(value: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        raise ValueError(value)
    day = dt.date.fromisoformat(value)
    if not 2000 <= day.year <= 2100:
        raise ValueError(value)
    return day


def name_the_field(form: forms.Form) -> None:
    """Errors in plain words that name the thing (「参加人数を入力してください」), never the stock
    validator words (「この値は 2 以下でなければなりません」) that do not say which field."""
    for field in form.fields.values():
        label = field.label
        field.error_messages["required"] = _("Enter %(label)s.") % {"label": label}
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("Enter %(label)s as a date, e.g. 2026-05-01.") % {
                "label": label
            }
        elif isinstance(field, forms.TimeField):
            field.error_messages["invalid"] = _("Enter %(label)s as a time, e.g. 10:00.") % {
                "label": label
            }
        elif isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = _("Enter %(label)s as a whole number.") % {
                "label": label
            }
        elif isinstance(field, forms.CharField):
            field.error_messages["max_length"] = _(
                "%(label)s can be at most %%(limit_value)d characters."
            ) % {"label": label}


def error_summary(form: forms.Form) -> list[tuple[str, str]]:
    """(field id or "", message) of every error once, the form-wide ones first: the summary
    at the top of a form links each to its field."""
    seen: set[str] = set()
    found = []
    for message in form.non_field_errors():
        if message not in seen:
            seen.add(message)
            found.append(("", message))
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            continue
        field = form[name]
        target = field.auto_id
        if field.use_fieldset:
            target = f"{field.auto_id}_0"
        for message in errors:
            if message not in seen:
                seen.add(message)
                found.append((target, message))
    return found


def add_problems(form: forms.Form, problems) -> None:
    """A booking check's problems onto the form: each beside its field where it names one
    (attendees, purpose), else at the top; a message already shown is not repeated."""
    shown = {str(m) for errors in form.errors.values() for m in errors}
    places = {"attendees": "attendees", "capacity": "attendees", "purpose": "purpose"}
    for problem in problems:
        message = str(problem)
        if message in shown:
            continue
        shown.add(message)
        field = places.get(getattr(problem, "code", ""))
        form.add_error(field if field in form.fields else None, message)


class EquipmentQuantitiesMixin:
    """One quantity field per piece of equipment (up to what the office has), for a booking's
    extras and for a loan alike."""

    def add_equipment_fields(self, equipment) -> None:
        self.equipment = list(equipment)
        for item in self.equipment:
            values = {"name": item.name, "n": item.quantity}
            self.fields[f"equipment_{item.pk}"] = forms.IntegerField(
                label=item.name,
                min_value=0,
                max_value=item.quantity,
                required=False,
                initial=0,
                help_text=_("The office has %(n)d.") % {"n": item.quantity},
                error_messages={
                    "max_value": _("%(name)s: at most %(n)d.") % values,
                    "min_value": _("%(name)s: enter 0 or more.") % values,
                    "invalid": _("%(name)s: enter how many as a whole number.") % values,
                },
            )

    def equipment_fields(self):
        return [self[f"equipment_{item.pk}"] for item in self.equipment]

    def equipment_wanted(self) -> dict[Equipment, int]:
        """The pieces asked for and how many of each (none before the form is cleaned)."""
        data = getattr(self, "cleaned_data", {})
        return {
            item: data.get(f"equipment_{item.pk}")
            for item in self.equipment
            if data.get(f"equipment_{item.pk}")
        }


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over objects a view has read already (a list): the choices and
    the answer come from the list, so neither showing nor reading the form asks the database
    (issue #20: the booking POST read the chosen group again). A value not in the list is an
    invalid choice, as with a query set."""

    def __init__(self, objects, **kwargs):
        super().__init__(queryset=None, **kwargs)
        self.set_objects(objects)

    def set_objects(self, objects) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.choices = empty + [(obj.pk, self.label_from_instance(obj)) for obj in objects]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, models.Model):
            value = value.pk
        obj = self.objects.get(str(value))
        if obj is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return obj


def offer_groups(form: forms.Form, groups) -> None:
    """The form's ``group`` field offers ``groups``: a query set (staff: every registered
    group), or a list the view has read already (a member's groups, no query)."""
    if isinstance(groups, list | tuple):
        field = form.fields["group"]
        form.fields["group"] = ListedModelChoiceField(
            groups, label=field.label, empty_label=field.empty_label
        )
    else:
        form.fields["group"].queryset = groups


class BookingForm(EquipmentQuantitiesMixin, forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=_("Choose a group"))
    kind = forms.ChoiceField(
        label=_("Kind of booking"),
        choices=Booking.Kind.choices,
        initial=Booking.Kind.GROUP,
        help_text=_("Office use, office events and maintenance need no group."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Start time"))
    end_time = forms.TimeField(label=_("End time"))
    blocks = forms.MultipleChoiceField(
        label=_("Blocks"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("e.g. monthly meeting, preparing the newsletter, workshop"),
    )
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, max_value=999)
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[
            (REPEAT_NONE, _("Only this date")),
            (BookingSeries.Rule.WEEKLY, _("Every week on the same weekday")),
            (
                BookingSeries.Rule.MONTHLY_NTH,
                _("Every month on the same weekday (e.g. 2nd Tuesday)"),
            ),
        ],
        initial=REPEAT_NONE,
        widget=forms.RadioSelect,
    )
    repeat_count = forms.IntegerField(
        label=_("Number of dates"),
        min_value=2,
        max_value=MAX_WEEKLY_REPEATS,
        required=False,
        # Lazy: the form is built at import time, the text in each reader's language.
        help_text=lazy(
            lambda: (
                gettext("Including the first date: up to %(weeks)d weeks or %(months)d months.")
                % {"weeks": MAX_WEEKLY_REPEATS, "months": MAX_MONTHLY_REPEATS}
            ),
            str,
        )(),
    )

    def __init__(self, *args, room: Room, groups, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        self.staff = staff
        offer_groups(self, groups)
        if staff:
            self.fields["group"].required = False
            self.fields["group"].help_text = _("Staff may book for any registered group.")
        else:
            del self.fields["kind"]
        self.fields["attendees"].widget.attrs["max"] = room.capacity
        self.fields["attendees"].help_text = _("At most %(n)d people.") % {"n": room.capacity}
        name_the_field(self)
        self.fields["attendees"].error_messages["max_value"] = _(
            "%(room)s holds at most %(n)d people."
        ) % {"room": room.name, "n": room.capacity}
        self.fields["attendees"].validators = [
            MinValueValidator(1),
            MaxValueValidator(room.capacity),
        ]
        self.fields["attendees"].error_messages["min_value"] = _(
            "Enter the number of attendees (at least 1)."
        )
        self.fields["repeat_count"].error_messages["min_value"] = _(
            "A recurring booking has at least 2 dates."
        )
        self.fields["repeat_count"].error_messages["max_value"] = _(
            "At most %(n)d dates at once."
        ) % {"n": MAX_WEEKLY_REPEATS}
        if room.uses_blocks:
            del self.fields["start_time"]
            del self.fields["end_time"]
            self.blocks = list(room.blocks.all())
            self.fields["blocks"].choices = [
                (str(b.pk), f"{b.label} {b.starts:%H:%M}–{b.ends:%H:%M}") for b in self.blocks
            ]
            self.fields["blocks"].help_text = _("Choose one block or several in a row.")
        else:
            del self.fields["blocks"]
            step = room.slot_minutes * 60
            for name in ("start_time", "end_time"):
                self.fields[name].widget = forms.TimeInput(
                    attrs={"type": "time", "step": step}, format="%H:%M"
                )
            self.fields["start_time"].help_text = _(
                "On the %(slot)d-minute grid; a booking lasts %(min)d to %(max)d minutes."
            ) % {"slot": room.slot_minutes, "min": room.min_minutes, "max": room.max_minutes}
        self.add_equipment_fields(Equipment.objects.filter(is_active=True))
        self.unknown_equipment = self._equipment_from_link(self.initial.pop("equipment", None))

    def _equipment_from_link(self, wanted: dict[str, int] | None) -> bool:
        """A link's ``equipment`` ({slug or old pk: how many}) as the quantity fields' initial
        values, up to what the office has; True when the link names a piece not (or no longer)
        lent."""
        if not wanted:
            return False
        found = set()
        for item in self.equipment:
            quantity = wanted.get(item.slug, 0) + wanted.get(str(item.pk), 0)
            if quantity:
                self.initial[f"equipment_{item.pk}"] = quantity
                found.update({item.slug, str(item.pk)})
        return bool(set(wanted) - found)

    def all_errors(self) -> list[tuple[str, str]]:
        """(field id or "", message) of every error, for the summary at the top."""
        return error_summary(self)

    def main_fields(self):
        return [
            self[name]
            for name in (
                "group",
                "kind",
                "date",
                "start_time",
                "end_time",
                "blocks",
                "purpose",
                "attendees",
            )
            if name in self.fields
        ]

    def repeat_fields(self):
        return [self["repeat"], self["repeat_count"]]

    def clean(self):
        data = super().clean()
        day = data.get("date")
        if day is not None and not 2000 <= day.year <= 2100:
            self.add_error("date", _("Enter a date between 2000 and 2100."))
            return data
        if self.room.uses_blocks:
            chosen = set(data.get("blocks") or [])
            picked = [i for i, b in enumerate(self.blocks) if str(b.pk) in chosen]
            if picked and picked != list(range(picked[0], picked[-1] + 1)):
                self.add_error("blocks", _("Choose blocks next to each other."))
            elif picked and day:
                data["start"] = dt.datetime.combine(day, self.blocks[picked[0]].starts, TOKYO)
                data["end"] = dt.datetime.combine(day, self.blocks[picked[-1]].ends, TOKYO)
        else:
            start_time, end_time = data.get("start_time"), data.get("end_time")
            if day and start_time and end_time:
                if end_time <= start_time:
                    self.add_error("end_time", _("The end must be after the start."))
                else:
                    data["start"] = dt.datetime.combine(day, start_time, TOKYO)
                    data["end"] = dt.datetime.combine(day, end_time, TOKYO)
        kind = data.get("kind", Booking.Kind.GROUP)
        if kind == Booking.Kind.GROUP and not data.get("group") and "group" not in self.errors:
            self.add_error("group", _("Choose the group the booking is for."))
        repeat = data.get("repeat")
        if repeat and repeat != REPEAT_NONE:
            count = data.get("repeat_count")
            limit = (
                MAX_WEEKLY_REPEATS if repeat == BookingSeries.Rule.WEEKLY else MAX_MONTHLY_REPEATS
            )
            if not count:
                self.add_error("repeat_count", _("Enter how many dates to book."))
            elif count > limit:
                self.add_error("repeat_count", _("At most %(n)d dates at once.") % {"n": limit})
        return data

    @classmethod
    def initial_from_query(cls, room: Room, query) -> tuple[dict, str | None]:
        """Initial values from ``?start=…&end=…`` (local time); a message when they are garbled.
        The free-room search (facilities.views_free) also passes ``attendees=N`` and
        ``equipment=<slug>`` (repeatable: one piece each; an old link's ``equipment=<pk>`` still
        reads). The equipment is matched by the form (``initial["equipment"]``: {text: how many},
        see ``unknown_equipment``); other values that do not fit are left out."""
        extras = cls._extras_from_query(query)
        initial, problem = cls._times_from_query(room, query)
        return {**extras, **initial}, problem

    @staticmethod
    def _extras_from_query(query) -> dict:
        initial: dict = {}
        attendees = query.get("attendees", "")
        if attendees.isascii() and attendees.isdigit() and 1 <= int(attendees) <= 999:
            initial["attendees"] = int(attendees)
        wanted: dict[str, int] = {}
        for raw in query.getlist("equipment")[:20]:
            raw = raw.strip()[:60]
            wanted[raw] = wanted.get(raw, 0) + 1
        if wanted:
            initial["equipment"] = wanted
        return initial

    @classmethod
    def _times_from_query(cls, room: Room, query) -> tuple[dict, str | None]:
        raw_start, raw_end = query.get("start"), query.get("end")
        if not raw_start and not raw_end:
            return {}, None
        try:
            start = parse_local_datetime(raw_start)
            end = parse_local_datetime(raw_end) if raw_end else None
        except ValueError:
            return {}, str(
                _(
                    "The date and time in the link could not be read (expected e.g. "
                    "2026-05-01T10:00). Please choose them below."
                )
            )
        if end is not None and (end <= start or end.date() != start.date()):
            return {"date": start.date(), "start_time": start.time()}, str(
                _(
                    "The end in the link is not after the start on the same day. "
                    "Please check the times."
                )
            )
        initial = {"date": start.date()}
        if room.uses_blocks:
            initial["blocks"] = [
                str(b.pk)
                for b in room.blocks.all()
                if b.starts >= start.time() and (end is None or b.ends <= end.time())
            ][: 1 if end is None else None]
        else:
            initial["start_time"] = start.time()
            if end is not None:
                initial["end_time"] = end.time()
        return initial, None


class BookingChangeForm(EquipmentQuantitiesMixin, forms.Form):
    """Change a booking in one step: room, date, times, attendees, purpose and equipment,
    filled in with the booking as it is."""

    room = forms.ModelChoiceField(label=_("Room"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    attendees = forms.IntegerField(label=_("Expected attendees"), min_value=1, max_value=999)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(self, *args, booking: Booking, rooms, equipment, **kwargs):
        from facilities.rules import local_time

        start, end = local_time(booking.start), local_time(booking.end)
        current = {item.equipment_id: item.quantity for item in booking.equipment_items.all()}
        initial = {
            "room": booking.room_id,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "attendees": booking.attendees,
            "purpose": booking.purpose,
            **{f"equipment_{pk}": q for pk, q in current.items()},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.booking = booking
        self.fields["room"].queryset = rooms
        rooms = list(rooms)
        self.fields["room"].help_text = " ".join(
            str(
                _("%(room)s: up to %(n)d people.") % {"room": r.name, "n": r.capacity}
                if not r.uses_blocks
                else _("%(room)s: up to %(n)d people, in blocks %(blocks)s.")
                % {
                    "room": r.name,
                    "n": r.capacity,
                    "blocks": pgettext("list separator", ", ").join(
                        f"{fmt_time(b.starts)}–{fmt_time(b.ends)}" for b in r.blocks.all()
                    ),
                }
            )
            for r in rooms
        )
        # Equipment the booking holds stays on the form even if it is no longer offered.
        self.add_equipment_fields([e for e in equipment if e.is_active or e.pk in current])
        name_the_field(self)
        self.fields["attendees"].error_messages["min_value"] = _(
            "Enter the number of attendees (at least 1)."
        )

    def all_errors(self) -> list[tuple[str, str]]:
        return error_summary(self)

    def main_fields(self):
        return [self[n] for n in ("room", "date", "start_time", "end_time", "attendees", "purpose")]

    def clean(self):
        data = super().clean()
        day, start_time, end_time = (data.get(n) for n in ("date", "start_time", "end_time"))
        if day is not None and not 2000 <= day.year <= 2100:
            self.add_error("date", _("Enter a date between 2000 and 2100."))
        elif day and start_time and end_time:
            if end_time <= start_time:
                self.add_error("end_time", _("The end must be after the start."))
            else:
                data["start"] = dt.datetime.combine(day, start_time, TOKYO)
                data["end"] = dt.datetime.combine(day, end_time, TOKYO)
        return data

    def equipment_all(self) -> dict[Equipment, int]:
        """Every piece on the form with its quantity, zeros included (a change may drop one)."""
        data = getattr(self, "cleaned_data", {})
        return {item: data.get(f"equipment_{item.pk}") or 0 for item in self.equipment}


class LoanForm(EquipmentQuantitiesMixin, forms.Form):
    """A take-out loan: the group, the days, the purpose and how many of each piece."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=None, empty_label=_("Choose a group"))
    pickup_date = forms.DateField(
        label=_("Pickup day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Collect the equipment at the desk during opening hours."),
    )
    return_date = forms.DateField(
        label=_("Return day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Bring it back by closing time."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("e.g. street campaign at the station, festival stall, outdoor clean-up"),
    )

    def __init__(self, *args, groups, equipment, **kwargs):
        super().__init__(*args, **kwargs)
        offer_groups(self, groups)
        self.add_equipment_fields(equipment)

    def main_fields(self):
        return [self[name] for name in ("group", "pickup_date", "return_date", "purpose")]

    def clean(self):
        data = super().clean()
        for name in ("pickup_date", "return_date"):
            day = data.get(name)
            if day is not None and not 2000 <= day.year <= 2100:
                self.add_error(name, _("Enter a date between 2000 and 2100."))
        pickup, back = data.get("pickup_date"), data.get("return_date")
        if pickup and back and back < pickup and "return_date" not in self.errors:
            self.add_error("return_date", _("The return day cannot be before the pickup day."))
        if not self.equipment_wanted() and not any(f.startswith("equipment_") for f in self.errors):
            self.add_error(None, _("Choose at least one piece of equipment to borrow."))
        return data


class LoanCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Reason")
            self.fields["reason"].help_text = _("The group is told it by e-mail.")


class CancelForm(forms.Form):
    SCOPE_ONE = "one"
    SCOPE_FOLLOWING = "following"

    scope = forms.ChoiceField(
        label=_("What to cancel"),
        choices=[
            (SCOPE_ONE, _("Only this date")),
            (SCOPE_FOLLOWING, _("This date and all later dates of the series")),
        ],
        initial=SCOPE_ONE,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, in_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]


class UsageForm(forms.Form):
    headcount = forms.IntegerField(label=_("Actual headcount"), min_value=0, max_value=9999)
    printing_masters = forms.IntegerField(
        label=_("Printing masters"), min_value=0, max_value=99999, required=False, initial=0
    )
    printing_sheets = forms.IntegerField(
        label=_("Printed sheets"), min_value=0, max_value=999999, required=False, initial=0
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class WalkInForm(forms.Form):
    delta = forms.IntegerField(required=False, min_value=-100, max_value=100)
    count = forms.IntegerField(
        label=_("Set the day's total"), required=False, min_value=0, max_value=99999
    )


class RoomAdminForm(forms.ModelForm):
    photo = CleanImageField(label=_("photo"), required=False)

    class Meta:
        model = Room
        # The fields the room services save, and the photo (the admin lays them out in fieldsets).
        fields = [*ROOM_FIELDS, "photo"]


class BookingAdminForm(forms.ModelForm):
    """Staff correct a booking's details in the admin; the attendees still have to fit."""

    class Meta:
        model = Booking
        fields = BOOKING_DETAILS

    def clean_attendees(self):
        attendees = self.cleaned_data.get("attendees")
        # Only a changed figure is checked: a room made smaller later must not lock the edits
        # of its older bookings.
        if "attendees" in self.changed_data and self.instance.room_id:
            try:
                check_attendees(room=self.instance.room, attendees=attendees)
            except BookingError as exc:
                raise forms.ValidationError(str(exc), code=exc.code) from exc
        return attendees
