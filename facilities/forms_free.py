"""The free-room search form (空き状況検索, issue #16 part 2): a GET form, on the home page, on
/facilities/ and on /facilities/free/, whose field names are the page's query parameters:
``date``, ``from``, ``to``, ``people`` and ``equipment`` (the piece's web address name, e.g.
``equipment=projector``; repeatable: one piece each). Old links that name a piece by its id
(``equipment=3``) still read."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.forms import parse_iso_date

# A search names at most this many pieces of equipment (the rest of a crafted query is ignored).
MAX_EQUIPMENT = 20


class DateWidget(forms.DateInput):
    """YYYY-MM-DD as ``<input type=date>`` wants it, or nothing (``value="bad"`` is not valid
    HTML): a garbled value shows as an empty field beside its error."""

    def format_value(self, value):
        value = super().format_value(value)
        if isinstance(value, str):
            try:
                parse_iso_date(value)
            except ValueError:
                return None
        return value


class TimeWidget(forms.TimeInput):
    """HH:MM as ``<input type=time>`` wants it ("9:30" becomes "09:30"), or nothing."""

    def format_value(self, value):
        value = super().format_value(value)
        match = (
            re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", value) if isinstance(value, str) else None
        )
        if isinstance(value, str) and not (match and int(match[1]) < 24 and int(match[2]) < 60):
            return None
        return f"{int(match[1]):02d}:{match[2]}" if match else value


class NumberWidget(forms.NumberInput):
    """A whole number from 1 to 999 (full-width digits read too), or nothing."""

    def format_value(self, value):
        value = super().format_value(value)
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return str(number) if 1 <= number <= 999 else None


class StrictDateField(forms.DateField):
    """YYYY-MM-DD only (what ``<input type=date>`` sends), between 2000 and 2100."""

    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_iso_date(str(value).strip())
        except ValueError:
            raise forms.ValidationError(
                _("Enter the date as year-month-day, e.g. 2026-05-04."), code="invalid"
            ) from None


class FreeRoomForm(forms.Form):
    date = StrictDateField(
        label=_("Date"), widget=DateWidget(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # "from" is a Python keyword: the field is declared as start_at and renamed below.
    start_at = forms.TimeField(
        label=_("Start time"),
        input_formats=["%H:%M"],
        widget=TimeWidget(attrs={"type": "time", "step": 1800}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 10:00.")},
    )
    end_at = forms.TimeField(
        label=_("End time"),
        input_formats=["%H:%M"],
        widget=TimeWidget(attrs={"type": "time", "step": 1800}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 12:00.")},
    )
    people = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=999,
        required=False,
        widget=NumberWidget(attrs={"inputmode": "numeric", "min": 1, "max": 999}),
        error_messages={
            "invalid": _("Enter the number of people as a whole number."),
            "min_value": _("Enter at least 1 person."),
            "max_value": _("Enter at most 999 people."),
        },
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Some of the equipment asked for does not exist."),
        },
    )

    def __init__(self, *args, equipment_choices, **kwargs):
        """``equipment_choices``: (pk, slug, name) of each piece a search may ask for."""
        kwargs.setdefault("auto_id", "free-%s")
        super().__init__(*args, **kwargs)
        self.equipment_pks = {slug: pk for pk, slug, _name in equipment_choices}
        self.fields["equipment"].choices = [(slug, name) for _pk, slug, name in equipment_choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end <= start:
            self.add_error("to", _("The end must be after the start."))
        return data

    def equipment_wanted(self) -> dict[int, int]:
        """{equipment pk: how many} (a piece named twice is wanted twice)."""
        wanted = Counter(self.cleaned_data.get("equipment") or [])
        return {self.equipment_pks[slug]: n for slug, n in wanted.items()}

    def period(self) -> tuple[dt.date, dt.time, dt.time]:
        data = self.cleaned_data
        return data["date"], data["from"], data["to"]


# The query parameters are "from" and "to": rename the declared fields.
_fields = FreeRoomForm.base_fields
FreeRoomForm.base_fields = {
    ("from" if name == "start_at" else "to" if name == "end_at" else name): field
    for name, field in _fields.items()
}
del _fields

QUERY_PARAMETERS = frozenset({"date", "from", "to", "people", "equipment"})


def form_from_query(query, *, equipment_choices) -> FreeRoomForm:
    """The form bound to the query (at most MAX_EQUIPMENT pieces), or unbound when the query
    asks nothing (the first visit). ``equipment_choices``: (pk, slug, name) of each piece; an
    old link's ``equipment=<pk>`` is read as that piece's slug, anything unknown is left for the
    form to refuse."""
    equipment_choices = list(equipment_choices)
    if not any(name in query for name in QUERY_PARAMETERS):
        return FreeRoomForm(
            equipment_choices=equipment_choices, initial={"date": timezone.localdate()}
        )
    slugs = {str(pk): slug for pk, slug, _name in equipment_choices}
    data = query.copy()
    data.setlist(
        "equipment",
        [slugs.get(raw, raw) for raw in query.getlist("equipment")[:MAX_EQUIPMENT]],
    )
    return FreeRoomForm(data, equipment_choices=equipment_choices)
