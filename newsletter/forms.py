from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanImageField, DocumentField, HoneypotMixin
from groups.models import ActivityField
from newsletter.models import NewsletterIssue


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
