from django import forms
from django.utils.translation import gettext_lazy as _

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
