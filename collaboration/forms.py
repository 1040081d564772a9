import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.models import Meeting, Partner, Proposal, ProposalAnswer, Theme
from core.uploads import clean_document

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalForm(forms.ModelForm):
    group = forms.ModelChoiceField(queryset=None, label=_("Proposing group"), empty_label=None)

    class Meta:
        model = Proposal
        fields = [
            "group",
            "title",
            "field",
            "aim",
            "activities",
            "role_group",
            "role_city",
            "budget",
            "budget_note",
            "schedule",
        ]
        widgets = {
            "aim": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "role_group": forms.Textarea(attrs={"rows": 3}),
            "role_city": forms.Textarea(attrs={"rows": 3}),
            "budget_note": forms.Textarea(attrs={"rows": 3}),
            "schedule": forms.Textarea(attrs={"rows": 3}),
            "budget": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }
        help_texts = {
            "aim": _("The local issue and what the project will change."),
            "role_city": _("What you ask of the city: funds, a venue, publicity, data..."),
            "schedule": _("When each step happens, month by month."),
        }

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"), help_text=_("A PDF, or a photo (JPEG, PNG); at most 10 MB.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        content = clean_document(upload)
        content.original_name = upload.name
        return content


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Partner.objects.none(), label=_("Department"), empty_label=None
    )
    answer_due = forms.DateField(label=_("Answer due by"), widget=DATE)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if not self.is_bound:
            self.initial.setdefault("answer_due", timezone.localdate() + dt.timedelta(days=30))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "attendees", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 6})}


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=ProposalAnswer.Decision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The group reads them, and receives them by e-mail."),
    )


class ThemeForm(forms.ModelForm):
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    class Meta:
        model = Theme
        fields = [
            "title",
            "field",
            "issue",
            "expectations",
            "budget_min",
            "budget_max",
            "deadline",
        ]
        widgets = {
            "deadline": DATE,
            "issue": forms.Textarea(attrs={"rows": 5}),
            "expectations": forms.Textarea(attrs={"rows": 5}),
        }
