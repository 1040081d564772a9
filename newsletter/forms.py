from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import dates
from core.forms import CleanImageField, DocumentField, HoneypotMixin
from events.models import Event
from groups.models import ActivityField, Area, Group
from newsletter.models import NewsletterIssue, OfficeMessage


class InterestsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ActivityField.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Topics you are interested in"))
        kwargs.setdefault(
            "help_text",
            _("Choose none to receive every issue. Some issues go only to those interested."),
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.label


class SubscribeForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, e.g. taro@example.jp."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    interests = InterestsField()
    agree = forms.BooleanField(
        label=_("I agree that the office keeps my address to send me the newsletter."),
        error_messages={"required": _("Please agree so that we can send you the newsletter.")},
    )


class PreferencesForm(forms.Form):
    interests = InterestsField()


class IssueAdminForm(forms.ModelForm):
    cover = CleanImageField(label=_("cover image"), required=False, max_side=1400)
    pdf = DocumentField(
        label=_("PDF of the printed edition"),
        required=False,
        allow_images=False,
        help_text=_("A real PDF file, at most 10 MB."),
    )

    class Meta:
        model = NewsletterIssue
        fields = ["number", "title", "status", "published_on", "summary", "body", "cover", "pdf"]


class SendForm(forms.Form):
    activity_fields = forms.ModelMultipleChoiceField(
        queryset=ActivityField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Only to subscribers interested in"),
        help_text=_(
            "Leave empty to send to every subscriber. Subscribers who chose no topic always "
            "receive the issue."
        ),
    )


class DigestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the period is before its start."))
            if (end - start).days > 186:
                raise forms.ValidationError(_("Choose a period of at most six months."))
        return cleaned


class OfficeMessageForm(forms.ModelForm):
    """A message from the office: its text, its PDF and its recipients (a segment, whose parts
    add up: a person who fits two parts gets one mail)."""

    attachment = DocumentField(
        label=_("PDF attachment"),
        required=False,
        allow_images=False,
        help_text=_("A real PDF file, at most 10 MB. Sent with every mail."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False)
    audience = forms.ChoiceField(
        label=_("Who in the groups"),
        choices=[
            ("representatives", _("Representatives")),
            ("members", _("All members (representatives included)")),
        ],
        initial="representatives",
        widget=forms.RadioSelect,
    )
    all_groups = forms.BooleanField(label=_("Every registered group"), required=False)
    activity_fields = forms.ModelMultipleChoiceField(
        queryset=ActivityField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Groups of these activity fields"),
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Groups of these areas"),
    )
    not_renewed = forms.BooleanField(
        label=_("Groups not yet renewed this fiscal year"), required=False
    )
    booked_from = forms.DateField(
        label=_("Groups with bookings from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    booked_to = forms.DateField(
        label=_("to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Bookings asked for, confirmed or used on these days."),
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.registered().order_by("name_kana", "pk"),
        required=False,
        label=_("Chosen groups"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    events = forms.ModelMultipleChoiceField(
        queryset=Event.objects.exclude(status=Event.Status.DRAFT).order_by("-start", "pk"),
        required=False,
        label=_("Registrants of these events"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("A cancelled event's registrants may be told too."),
    )
    event_statuses = forms.MultipleChoiceField(
        label=_("Registrants who are"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("confirmed", pgettext_lazy("registrant status", "confirmed")),
            ("waitlisted", _("on the waiting list")),
            ("attended", pgettext_lazy("registrant status", "attended")),
            ("absent", _("did not attend")),
        ],
        initial=["confirmed"],
    )

    SEGMENT_FIELDS = [
        "audience",
        "all_groups",
        "activity_fields",
        "areas",
        "not_renewed",
        "booked_from",
        "booked_to",
        "groups",
        "events",
        "event_statuses",
    ]

    class Meta:
        model = OfficeMessage
        fields = ["subject", "body", "attachment", "copy_to_office"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        segment = self.instance.segment if self.instance.pk else {}
        if segment:
            self.initial.update(
                {
                    "audience": segment.get("audience", "representatives"),
                    "all_groups": segment.get("all_groups", False),
                    "activity_fields": segment.get("fields", []),
                    "areas": segment.get("areas", []),
                    "not_renewed": segment.get("not_renewed", False),
                    "booked_from": segment.get("booked_from"),
                    "booked_to": segment.get("booked_to"),
                    "groups": segment.get("groups", []),
                    "events": segment.get("events", []),
                    "event_statuses": segment.get("event_statuses", []),
                }
            )
        if "events" in self.fields:
            self.fields["events"].label_from_instance = lambda e: (
                f"{dates.day(e.start)} {e.title}"
                + (f"（{e.get_status_display()}）" if e.status == Event.Status.CANCELLED else "")
            )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("booked_from"), cleaned.get("booked_to")
        if bool(first) != bool(last):
            self.add_error("booked_to", _("Give both days of the booking period."))
        elif first and last and last < first:
            self.add_error("booked_to", _("The end of the period is before its start."))
        if cleaned.get("events") and not cleaned.get("event_statuses"):
            self.add_error("event_statuses", _("Choose which registrants receive the message."))
        upload = self.files.get("attachment") if self.files else None
        self.attachment_name = getattr(upload, "name", "") or ""
        return cleaned

    def segment(self) -> dict:
        data = self.cleaned_data
        return {
            "audience": data.get("audience") or "representatives",
            "all_groups": bool(data.get("all_groups")),
            "fields": [f.pk for f in data.get("activity_fields") or []],
            "areas": [a.pk for a in data.get("areas") or []],
            "not_renewed": bool(data.get("not_renewed")),
            "booked_from": data.get("booked_from"),
            "booked_to": data.get("booked_to"),
            "groups": [g.pk for g in data.get("groups") or []],
            "events": [e.pk for e in data.get("events") or []],
            "event_statuses": list(data.get("event_statuses") or []),
        }

    def attachment_change(self):
        """What the service does with the attachment: a new file, False to remove, or None."""
        if self.files and self.files.get("attachment"):
            return self.cleaned_data.get("attachment")
        if self.cleaned_data.get("remove_attachment"):
            return False
        return None
