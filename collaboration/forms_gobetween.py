"""Staff's forms for the go-between's record: keep what staff typed, the service says no."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaboration.models import Partner
from collaboration.models_gobetween import Introduction
from groups.models import Group

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class IntroductionForm(forms.Form):
    """To whom (a registered group or a partner), when, and who follows it up."""

    to_group = GroupChoiceField(
        queryset=Group.objects.none(), required=False, label=_("Introduce to the group")
    )
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(), required=False, label=_("or to the partner")
    )
    made_on = forms.DateField(label=_("Introduced on"), widget=DATE)
    note = forms.CharField(
        label=pgettext_lazy("introduction", "Why and how"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DATE,
        help_text=_("The day to ask both sides what came of it."),
    )
    assignee = StaffChoiceField(
        queryset=None, required=False, label=_("Followed up by"), empty_label=_("Nobody yet")
    )

    def __init__(self, *args, exclude_group: Group | None = None, groups=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("made_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        queryset = groups if groups is not None else Group.objects.registered()
        if exclude_group is not None:
            queryset = queryset.exclude(pk=exclude_group.pk)
        self.fields["to_group"].queryset = queryset.order_by("name_kana", "pk")
        self.fields["partner"].queryset = Partner.objects.filter(is_active=True)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .order_by("full_name_kana", "email", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        both_or_neither = bool(cleaned.get("to_group")) == bool(cleaned.get("partner"))
        if both_or_neither and not {"to_group", "partner"} & set(self.errors):
            self.add_error(
                "to_group", _("Choose either a registered group or a partner, not both.")
            )
        made_on, follow_up_on = cleaned.get("made_on"), cleaned.get("follow_up_on")
        if made_on and made_on > timezone.localdate():
            self.add_error("made_on", _("The date of the introduction cannot be in the future."))
        if made_on and follow_up_on and follow_up_on < made_on:
            self.add_error(
                "follow_up_on", _("The follow-up date cannot be before the introduction.")
            )
        return cleaned


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What came of it"),
        choices=Introduction.Outcome.choices,
        widget=forms.RadioSelect,
    )
    outcome_note = forms.CharField(
        label=pgettext_lazy("introduction outcome", "Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when nothing came of it."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == Introduction.Outcome.NO_RESULT
            and not (cleaned.get("outcome_note") or "").strip()
        ):
            self.add_error("outcome_note", _("Say briefly why nothing came of it."))
        return cleaned
