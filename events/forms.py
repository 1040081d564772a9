"""Forms of the events app. Rules live in events.services; forms shape and check input."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import CleanImageField, HoneypotMixin
from events.models import Event, Question, Registration, RegistrationQuestion, Survey
from events.permissions import proposable_groups
from groups.models import Group
from groups.permissions import groups_user_can_act_for

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _people_field(event: Event, limit: int | None = None) -> forms.IntegerField:
    limit = limit or event.max_party_size
    return forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=limit,
        initial=1,
        help_text=_("Including yourself (at most %(n)d).") % {"n": limit},
        error_messages={
            "required": _("Enter the number of people."),
            "invalid": _("Enter the number of people as a whole number."),
            "min_value": _("Enter at least one person."),
            "max_value": _("At most %(limit_value)s people can be registered at once."),
        },
    )


class _QuestionsMixin:
    """Adds one field per registration question of the event (q_<id>)."""

    def add_question_fields(self, event: Event) -> None:
        self.event_questions = list(event.questions.all())
        for question in self.event_questions:
            name = f"q_{question.pk}"
            required_message = _("Please answer this question.")
            if question.kind == RegistrationQuestion.Kind.YES_NO:
                field = forms.BooleanField(
                    label=question.text,
                    required=question.required,
                    error_messages={"required": _("Please tick this box to continue.")},
                )
            elif question.kind == RegistrationQuestion.Kind.CHOICE:
                field = forms.ChoiceField(
                    label=question.text,
                    required=question.required,
                    choices=[("", "---------")] + [(o, o) for o in question.option_list],
                    error_messages={
                        "required": required_message,
                        "invalid_choice": _("Choose one of the options."),
                    },
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    required=question.required,
                    max_length=500,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": required_message},
                )
            field.help_text = question.help_text
            self.fields[name] = field
        if event.organiser_id and any(q.is_accessibility for q in self.event_questions):
            # 配慮事項 go to the office; the organising group reads them only with consent.
            self.fields["share_needs"] = forms.BooleanField(
                label=_(
                    "I agree that the organising group (%(group)s) may read my answer about "
                    "accessibility needs"
                )
                % {"group": event.organiser_label},
                required=False,
                initial=False,
                help_text=_(
                    "Without your agreement only the office staff read it, and they arrange "
                    "what is needed with the organisers."
                ),
            )

    def question_answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.event_questions}

    def share_needs(self) -> bool:
        """Whether the registrant agreed to share their accessibility needs (default no)."""
        return bool(self.cleaned_data.get("share_needs"))


class RegistrationForm(_QuestionsMixin, forms.Form):
    """A signed-in person registers themself (optionally for one of their groups)."""

    def __init__(self, *args, event: Event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"] = _people_field(event)
        groups = groups_user_can_act_for(user)
        group_list = list(groups)  # read once: decides the field and gives its options
        # Someone who acts for no group is not offered a choice with nothing to choose.
        if group_list:
            field = forms.ModelChoiceField(
                label=_("Coming for a group (optional)"),
                queryset=groups,
                required=False,
                empty_label=_("As an individual"),
                error_messages={"invalid_choice": _("Choose one of your groups.")},
            )
            field.choices = [("", field.empty_label)] + [
                (group.pk, field.label_from_instance(group)) for group in group_list
            ]
            self.fields["group"] = field
        self.add_question_fields(event)

    def clean(self):
        data = super().clean()
        data.setdefault("group", None)  # the field is left out for people without a group
        return data


class GuestRegistrationForm(HoneypotMixin, _QuestionsMixin, forms.Form):
    """Someone without an account registers with a name and an e-mail address."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a confirmation link to this address."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, e.g. name@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        # Guests' parties are smaller (see Event.guest_max_party_size).
        self.fields["people"] = _people_field(event, event.guest_party_limit)
        self.add_question_fields(event)
        self.order_fields(["name", "email", "people"])


class ProposalForm(forms.Form):
    """A group member proposes an event for their group (staff approve before publishing)."""

    group = forms.ModelChoiceField(
        label=_("Organising group"),
        queryset=Group.objects.none(),
        error_messages={
            "required": _("Choose the organising group."),
            "invalid_choice": _("Choose one of your registered groups."),
        },
    )
    title = forms.CharField(
        label=_("Title"), max_length=150, error_messages={"required": _("Enter a title.")}
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    start = forms.DateTimeField(
        label=_("Starts"),
        widget=LocalDateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={
            "required": _("Enter the start date and time."),
            "invalid": _("Enter the date and time as YYYY-MM-DD HH:MM."),
        },
    )
    end = forms.DateTimeField(
        label=_("Ends"),
        widget=LocalDateTimeInput(),
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={
            "required": _("Enter the end date and time."),
            "invalid": _("Enter the date and time as YYYY-MM-DD HH:MM."),
        },
    )
    at_office = forms.BooleanField(
        label=_("At the office's meeting space"),
        required=False,
        help_text=_(
            "The office books a room when it approves. Days the office is closed cannot be chosen."
        ),
    )
    venue = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_(
            "An outside venue's name and address (or a note on the room, "
            "when the event is at the office)."
        ),
    )
    summary = forms.CharField(label=_("Short summary"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )
    capacity = forms.IntegerField(
        label=_("Capacity (people)"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("Enter the capacity."),
            "min_value": _("The capacity must be at least 1."),
            "max_value": _("The capacity can be at most 1000."),
        },
    )
    fee_note = forms.CharField(
        label=_("Fee"),
        max_length=200,
        required=False,
        help_text=_(
            "Shown on the event page as written, so give the unit (e.g. Free, 300 yen for "
            "materials). A number alone is taken as yen and 0 as free; left empty, the page "
            "shows no fee."
        ),
    )
    allow_guests = forms.BooleanField(
        label=_("People without an account may register"), required=False
    )
    image = CleanImageField(label=_("Image"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = proposable_groups(user)
        self.fields["group"].queryset = groups
        first_two = list(groups[:2])
        if len(first_two) == 1:
            # One group to act for: chosen already, no empty "---------" to pick from.
            self.fields["group"].empty_label = None
            self.initial.setdefault("group", first_two[0].pk)

    def clean_fee_note(self):
        # The fee is free text shown as written; a bare number would read as "500" with no
        # unit, so it is given one (0 reads as free).
        value = self.cleaned_data["fee_note"].strip()
        digits = unicodedata.normalize("NFKC", value).replace(",", "")
        if digits.isdigit():
            amount = int(digits)
            if amount == 0:
                return str(pgettext_lazy("fee", "Free"))
            return _("%(amount)s yen") % {"amount": f"{amount:,}"}
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("The event must end after it starts."))
            elif end - start > dt.timedelta(days=3):
                self.add_error("end", _("An event can last at most three days."))
        if start and start <= timezone.now():
            self.add_error("start", _("The event must start in the future."))
        if not data.get("at_office") and not data.get("venue"):
            self.add_error("venue", _("Enter the place, or choose the office's meeting space."))
        return data


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name (optional)"), max_length=100, required=False)
    people = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=200,
        initial=1,
        error_messages={
            "required": _("Enter the number of people."),
            "min_value": _("Enter at least one person."),
            "max_value": _("Enter at most 200 people."),
        },
    )
    group = forms.ModelChoiceField(
        label=_("Group (optional)"),
        queryset=Group.objects.registered().in_kana_order(),
        required=False,
        empty_label=_("No group"),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class CameField(forms.ChoiceField):
    """Came / did not come / (nothing chosen) not recorded yet; a tick box's "on" is "came"."""

    def to_python(self, value):
        value = super().to_python(value)
        return "yes" if value == "on" else value


class AttendanceForm(forms.Form):
    """One tick box and one head count per confirmed registration.

    Several staff may record at once (a tablet at each door), so each row also carries, in a
    hidden field, the count it showed when the page was built: only rows the user changed
    are saved, and a page opened earlier does not undo what another tablet saved meanwhile.
    """

    def __init__(self, *args, registrations: list[Registration], **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = [r for r in registrations if not r.is_walk_in]
        for registration in self.registrations:
            # Three states: came, did not come, or (neither chosen) not recorded yet.
            recorded = registration.attended or registration.attendance_recorded_at is not None
            # The labels name the person: the error summary at the top lists them.
            name = {"name": registration.display_name}
            self.fields[f"came_{registration.pk}"] = CameField(
                label=_("Came (%(name)s)") % name,
                required=False,
                choices=[("yes", _("Came")), ("no", _("Did not come"))],
                widget=forms.RadioSelect,
                initial=("yes" if registration.attended else "no") if recorded else "",
            )
            self.fields[f"people_{registration.pk}"] = forms.IntegerField(
                label=_("People who came (%(name)s)") % name,
                min_value=0,
                max_value=200,
                required=False,
                initial=registration.attended_people or registration.people,
                error_messages={
                    "min_value": _("Enter 0 or more."),
                    "max_value": _("Enter at most 200 people."),
                    "invalid": _("Enter a whole number."),
                },
            )
            self.fields[f"seen_{registration.pk}"] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                # -1: not recorded yet, so that "did not come" (0) is saved as a record.
                initial=str(registration.attended_people if recorded else -1),
            )

    def rows(self):
        for registration in self.registrations:
            yield (
                registration,
                self[f"came_{registration.pk}"],
                self[f"people_{registration.pk}"],
                self[f"seen_{registration.pk}"],
            )

    def marks(self) -> dict[int, int]:
        """The rows the user changed: registration id → how many came (0 = did not come).
        A row without the count it showed (not on the page the user saw) is left alone."""
        marks = {}
        for registration in self.registrations:
            try:
                seen = int(self.cleaned_data.get(f"seen_{registration.pk}") or "")
            except ValueError:
                continue
            came = self.cleaned_data.get(f"came_{registration.pk}")
            if came == "yes":
                people = self.cleaned_data.get(f"people_{registration.pk}")
                mark = people or registration.people
            elif came == "no":
                mark = 0
            else:
                continue  # neither chosen: still not recorded
            if mark != seen:
                marks[registration.pk] = mark
        return marks


class RejectProposalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the group)"), widget=forms.Textarea)


class SurveyForm(forms.Form):
    """The questionnaire: one field per question, required or not as staff decided."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = self._field(question)

    def _field(self, question: Question) -> forms.Field:
        messages = {
            "required": _("Please answer this question."),
            "invalid_choice": _("Choose one of the options."),
        }
        common = {
            "label": question.text,
            "required": question.required,
            "help_text": question.help_text,
            "error_messages": messages,
        }
        kind = Question.Kind
        if question.kind == kind.SINGLE:
            return forms.ChoiceField(
                choices=[(o, o) for o in question.option_list], widget=forms.RadioSelect, **common
            )
        if question.kind == kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in question.option_list],
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if question.kind == kind.RATING:
            return forms.TypedChoiceField(
                choices=[
                    ("1", _("1 (poor)")),
                    ("2", "2"),
                    ("3", "3"),
                    ("4", "4"),
                    ("5", _("5 (excellent)")),
                ],
                coerce=int,
                widget=forms.RadioSelect,
                **common,
            )
        if question.kind == kind.SHORT_TEXT:
            messages["max_length"] = _("Please keep the answer to %(limit_value)d characters.")
            return forms.CharField(max_length=200, **common)
        messages["max_length"] = _("Please keep the answer to %(limit_value)d characters.")
        return forms.CharField(max_length=4000, widget=forms.Textarea, **common)

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}
