import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import HoneypotMixin
from news.models import Opinion


class OpinionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Opinion
        fields = ["addressed_to", "topic", "message", "name", "email", "wants_reply"]
        widgets = {
            "addressed_to": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 8, "maxlength": 4000}),
        }
        help_texts = {
            "name": _("Optional. You may send your opinion anonymously."),
            "email": _("Only if you would like a reply."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_reply") and not cleaned.get("email"):
            self.add_error("email", _("Enter an e-mail address so that we can reply."))
        return cleaned


def month_choices(today, months: int = 12) -> list[tuple[str, str]]:
    """This month and the next ones, as ("2027-01", "2027年1月") in the page's language."""
    first = today.replace(day=1)
    choices = []
    for n in range(months):
        year, month = divmod(first.month - 1 + n, 12)
        day = first.replace(year=first.year + year, month=month + 1)
        choices.append((f"{day:%Y-%m}", date_format(day, "YEAR_MONTH_FORMAT")))
    return choices


class AppearanceForm(forms.Form):
    """A member asks for their group to appear on the programme."""

    group = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("citizen group", "Group"), empty_label=None
    )
    topic = forms.CharField(
        label=_("What you would like to talk about"),
        max_length=200,
        help_text=_("For example: our children's cafeteria and the volunteers we are looking for."),
    )
    preferred_month = forms.ChoiceField(label=_("Preferred month"))
    note = forms.CharField(
        label=_("Note for the office"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: who would appear, days that do not suit you."),
    )

    def __init__(self, *args, groups, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda g: g.name
        self.fields["preferred_month"].choices = month_choices(today)

    def clean_preferred_month(self):
        value = self.cleaned_data["preferred_month"]
        return dt.date(int(value[:4]), int(value[5:7]), 1)
