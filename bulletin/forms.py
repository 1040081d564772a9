import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from bulletin.models import MAX_DAYS_ON_BOARD, REQUIRED_FIELDS, BulletinPost, Category, PostReport
from core.forms import HoneypotMixin


class PostForm(forms.ModelForm):
    """A notice; which detail fields are required depends on the category."""

    group = forms.ModelChoiceField(queryset=None, label=_("Posting for"), empty_label=None)

    class Meta:
        model = BulletinPost
        fields = [
            "group",
            "category",
            "title",
            "body",
            "what",
            "when",
            "place",
            "contact",
            "expires_on",
        ]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 8}),
        }
        # What core.markdown really does, in words (no "Markdown" jargon): a single line break
        # does not show, addresses become links only between < and >.

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        # What core.markdown really does, in words (no "Markdown" jargon): a single line break
        # does not show, addresses become links only between < and >. Escaped: Django prints
        # help texts as HTML, and the example address is in angle brackets.
        self.fields["body"].help_text = escape(
            _(
                "Leave an empty line to start a new paragraph. Lines that start with “- ” "
                "become a list. A web address between < and >, e.g. <https://example.jp>, "
                "becomes a link."
            )
        )
        if self.instance.pk:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups
            if groups is not None and groups.count() == 1:
                self.fields["group"].initial = groups.first()
        # Separators are translated too: Japanese lists read 「日時・場所・連絡先」.
        rules = pgettext("between categories", "; ").join(
            _("%(category)s (%(fields)s)")
            % {
                "category": Category(cat).label,
                "fields": pgettext("between field names", ", ").join(
                    str(BulletinPost._meta.get_field(n).verbose_name) for n in names
                ),
            }
            for cat, names in REQUIRED_FIELDS.items()
            if names
        )
        self.fields["category"].help_text = _("Some categories need more details: %(rules)s.") % {
            "rules": rules
        }
        if not self.instance.pk:
            self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=30)
        self.fields["expires_on"].help_text = _(
            "The post leaves the board after this day (at most %(days)d days from today)."
        ) % {"days": MAX_DAYS_ON_BOARD}

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("The last day on the board cannot be in the past."))
        if value > today + dt.timedelta(days=MAX_DAYS_ON_BOARD):
            raise forms.ValidationError(
                _("A post may stay on the board for at most %(days)d days."),
                params={"days": MAX_DAYS_ON_BOARD},
            )
        return value


class ReportForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = PostReport
        fields = ["reason", "message"]
        widgets = {"reason": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 4})}
        labels = {"message": _("Details (optional)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radio buttons: no empty "---------" choice to pick by mistake.
        self.fields["reason"].choices = PostReport.Reason.choices


class FilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
