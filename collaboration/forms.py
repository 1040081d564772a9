import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaboration.models import (
    Agreement,
    Evaluation,
    FinalReport,
    Meeting,
    Partner,
    ProgressReport,
    Project,
    Proposal,
    ProposalAnswer,
    Theme,
)
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
    # Not marked required: the upload is an optional addition to the proposal, and a "(required)"
    # beside it read as if the proposal needed a document. An empty submit is still refused.
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("A PDF, or a photo (JPEG, PNG); at most 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            raise forms.ValidationError(_("Choose a file to add."), code="required")
        content = clean_document(upload)
        content.original_name = upload.name
        return content


class DepartmentChoiceField(forms.ModelChoiceField):
    """A department, with a word when nobody there uses the portal: staff choose knowing that
    such a department is not told (selectors.departments_to_assign counts who is)."""

    def label_from_instance(self, obj):
        if getattr(obj, "reachable_officials", 1) == 0:
            return _("%(department)s (no official on the portal)") % {"department": obj}
        return str(obj)


class AssignForm(forms.Form):
    department = DepartmentChoiceField(
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


# --------------------------------------------------------------------------- projects


class _OptionalDocument(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("Optional: a PDF, or a photo (JPEG, PNG); at most 10 MB."),
    )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        content = clean_document(upload)
        content.original_name = upload.name
        return content


class AgreementForm(forms.ModelForm):
    summary = forms.CharField(
        label=Project._meta.get_field("summary").verbose_name,
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the project's public page: no personal data."),
    )
    document = _OptionalDocument.base_fields["document"]
    clean_document = _OptionalDocument.clean_document

    class Meta:
        model = Agreement
        fields = ["role_group", "role_city", "budget", "starts_on", "ends_on", "concluded_on"]
        widgets = {
            "role_group": forms.Textarea(attrs={"rows": 3}),
            "role_city": forms.Textarea(attrs={"rows": 3}),
            "budget": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "starts_on": DATE,
            "ends_on": DATE,
            "concluded_on": DATE,
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            proposal = project.proposal
            self.initial.update(
                role_group=proposal.role_group,
                role_city=proposal.role_city,
                budget=project.budget,
                summary=project.summary,
                concluded_on=timezone.localdate(),
            )
        self.order_fields(["role_group", "role_city", "budget", "starts_on", "ends_on"])

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return data

    def _post_clean(self):  # the service validates the agreement with its project
        pass


class DocumentForm(forms.Form):
    file = AttachmentForm.base_fields["file"]
    clean_file = AttachmentForm.clean_file


class ProgressReportForm(forms.ModelForm):
    document = _OptionalDocument.base_fields["document"]
    clean_document = _OptionalDocument.clean_document

    class Meta:
        model = ProgressReport
        fields = ["reported_on", "text"]
        widgets = {"reported_on": DATE, "text": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"text": _("What was done, who took part, what changed, what is next.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("reported_on", timezone.localdate())

    def _post_clean(self):
        pass


class FinalReportForm(forms.ModelForm):
    class Meta:
        model = FinalReport
        fields = ["results", "spending", "spending_note"]
        widgets = {
            "results": forms.Textarea(attrs={"rows": 8}),
            "spending": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "spending_note": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "results": _("Shown on the project's public page: what the project achieved."),
        }

    def _post_clean(self):
        pass


RATINGS = [(n, str(n)) for n in range(5, 0, -1)]


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "rating_goals",
            "rating_effect",
            "rating_roles",
            "rating_continuity",
            "comment",
            "next_year",
        ]
        widgets = {
            **{
                name: forms.RadioSelect(choices=RATINGS)
                for name in ("rating_goals", "rating_effect", "rating_roles", "rating_continuity")
            },
            "comment": forms.Textarea(attrs={"rows": 6}),
            "next_year": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rating_goals", "rating_effect", "rating_roles", "rating_continuity"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("5 = very good, 1 = poor"),
            )
        self.fields["next_year"].choices = Evaluation.NextYear.choices

    def _post_clean(self):
        pass
