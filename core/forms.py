"""Shared form pieces: one accessible field template for every form, upload fields.

Every upload field (``CleanImageField``, ``DocumentField`` and fields built on them) keeps a file
that passed its checks when the form comes back with an error elsewhere: the file is held in
private storage against a signed token (core.uploads) and the form shows 「選択済み：規約.pdf
（変更する）」 instead of an empty file input. Views call ``kept_uploads_release(form)`` once the
form is sent; ``kept_uploads_hold(form)`` holds the files now (a form in steps).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from core.uploads import (
    HeldFileGone,
    clean_document,
    clean_image,
    display_name,
    held_info,
    upload_from_hold,
    upload_hold,
    upload_release,
)


class PortalFormRenderer(TemplatesSetting):
    """Every field renders through partials/field.html: label, help, errors, aria-describedby."""

    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"


class HeldToken(str):
    """A token posted for a file held earlier (what the kept-file widget reads from the form)."""


KEPT_SUFFIX = "__kept"
DROP_SUFFIX = "__kept_drop"


class KeptFileInput(forms.ClearableFileInput):
    """A file input that remembers the files chosen before: each held file's name, its token in
    a hidden input, and the file input itself behind 「（変更する）」 (a ``<details>``, no
    JavaScript). An optional field also offers to drop the held file."""

    template_name = "partials/kept_file_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.kept: list[tuple[str, str]] = []  # (token, name shown)
        self.pending: list[tuple[object, str]] = []  # (checked content, name chosen)

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.kept, obj.pending = [], []
        return obj

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload or upload is False or data.get(name + DROP_SUFFIX):
            return upload
        tokens = (
            data.getlist(name + KEPT_SUFFIX)
            if hasattr(data, "getlist")
            else [data.get(name + KEPT_SUFFIX)]
        )
        held = [HeldToken(t) for t in tokens if t]
        if not held:
            return upload
        return held if self.allow_multiple_selected else held[0]

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and (
            name + KEPT_SUFFIX not in data
        )

    def use_required_attribute(self, initial):
        return super().use_required_attribute(initial) and not (self.kept or self.pending)

    def hold(self, key: str) -> list[tuple[str, str]]:
        """Write the files checked in this request to the hold; return every kept file."""
        for content, name in self.pending:
            self.kept.append((upload_hold(content, original_name=name, field=key), name))
        self.pending = []
        return self.kept

    def get_context(self, name, value, attrs):
        self.hold(getattr(self, "hold_key", ""))
        context = super().get_context(name, value, attrs)
        context["widget"]["kept"] = [{"token": token, "name": shown} for token, shown in self.kept]
        context["widget"]["kept_name"] = name + KEPT_SUFFIX
        context["widget"]["drop_name"] = name + DROP_SUFFIX
        return context


class KeptUploadMixin:
    """For a file field: a held file comes back from its token (already checked and cleaned, so
    not cleaned twice); a newly chosen file that passes is remembered for the hold."""

    widget = KeptFileInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.hold_key = self.hold_key

    @property
    def hold_key(self) -> str:
        return type(self).__name__

    def _from_hold(self, token: str):
        try:
            content = upload_from_hold(token, field=self.hold_key)
        except HeldFileGone as exc:
            raise ValidationError(
                _("The file you chose earlier is no longer kept. Please choose it again."),
                code="held_expired",
            ) from exc
        self.widget.kept.append((str(token), content.held_name))
        return content

    def _remember(self, content, upload) -> None:
        self.widget.pending.append((content, display_name(getattr(upload, "name", ""))))

    def clean(self, data, initial=None):
        self.widget.kept, self.widget.pending = [], []
        if isinstance(data, HeldToken):
            return self._from_hold(data)
        value = super().clean(data, initial)
        if value and value is not initial and data:
            self._remember(value, data)
        return value


def kept_uploads_hold(form) -> dict[str, list[str]]:
    """Hold the files this form checked (without rendering it): field name → tokens."""
    kept = {}
    for name, field in form.fields.items():
        if isinstance(field.widget, KeptFileInput):
            tokens = [token for token, _shown in field.widget.hold(field.widget.hold_key)]
            if tokens:
                kept[form.add_prefix(name)] = tokens
    return kept


def kept_uploads_restore(form, tokens: dict[str, list[str]]) -> None:
    """Show files held earlier (a form in steps, shown again): field name → tokens. A token
    that expired is dropped, so the field asks for its file again."""
    for name, field in form.fields.items():
        if not isinstance(field.widget, KeptFileInput):
            continue
        for token in tokens.get(form.add_prefix(name), []):
            try:
                info = held_info(token, field=field.widget.hold_key)
            except HeldFileGone:
                continue
            field.widget.kept.append((token, info["name"]))


def kept_uploads_release(form) -> None:
    """The form was sent: delete the files it held."""
    for field in form.fields.values():
        if isinstance(field.widget, KeptFileInput):
            for token, _shown in field.widget.kept:
                upload_release(token, field=field.widget.hold_key)
            field.widget.kept = []


class CleanImageField(KeptUploadMixin, forms.ImageField):
    """An image upload that comes back re-encoded without metadata (see core.uploads)."""

    def __init__(self, *args, max_side: int = 1600, **kwargs):
        self.max_side = max_side
        kwargs.setdefault(
            "help_text", _("JPEG, PNG or WebP, up to 15 MB. Location data is removed.")
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp,image/gif")

    @property
    def hold_key(self) -> str:
        return f"image:{self.max_side}"

    def to_python(self, data):
        if data in self.empty_values:
            return None
        return clean_image(data, max_side=self.max_side)


class DocumentField(KeptUploadMixin, forms.FileField):
    """A PDF (or image) whose content matches its type; the stored name is random."""

    def __init__(self, *args, allow_images: bool = True, **kwargs):
        self.allow_images = allow_images
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault(
            "accept", "application/pdf,image/jpeg,image/png" if allow_images else "application/pdf"
        )

    @property
    def hold_key(self) -> str:
        return f"document:{int(self.allow_images)}"

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
