"""Shared form pieces: one accessible field template for every form, upload fields."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from core.uploads import clean_document, clean_image


class PortalFormRenderer(TemplatesSetting):
    """Every field renders through partials/field.html: label, help, errors, aria-describedby."""

    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"


class CleanImageField(forms.ImageField):
    """An image upload that comes back re-encoded without metadata (see core.uploads)."""

    def __init__(self, *args, max_side: int = 1600, **kwargs):
        self.max_side = max_side
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP, up to 15 MB. Location data is removed.")
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp,image/gif")

    def to_python(self, data):
        if data in self.empty_values:
            return None
        return clean_image(data, max_side=self.max_side)


class DocumentField(forms.FileField):
    """A PDF (or image) whose content matches its type; the stored name is random."""

    def __init__(self, *args, allow_images: bool = True, **kwargs):
        self.allow_images = allow_images
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault(
            "accept", "application/pdf,image/jpeg,image/png" if allow_images else "application/pdf"
        )

    def to_python(self, data):
        data = super().to_python(data)
        if data is None:
            return None
        return clean_document(data, allow_images=self.allow_images)


class HoneypotMixin(forms.Form):
    """A field people never see or fill; bots that fill it are refused quietly."""

    website_url = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website_url(self):
        value = self.cleaned_data.get("website_url")
        if value:
            raise forms.ValidationError(_("This form could not be sent."), code="honeypot")
        return value
