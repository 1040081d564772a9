"""Forms of the pages app: the admin's "write a new version" fields and file checks."""

from __future__ import annotations

import uuid
import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import clean_phone
from core.uploads import MAX_DOCUMENT_BYTES, clean_document, safe_extension
from pages.models import DownloadFile, OfficeDetails, Page
from pages.services import OFFICE_FIELDS

# Office Open XML files are zip archives; each kind has its own main part.
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def clean_download(upload) -> ContentFile:
    """Accept a real PDF, Word (.docx) or Excel (.xlsx) file of at most 10 MB; return it under a
    safe name. A file whose content is not what its name says, or a document with macros, is
    refused."""
    extension = safe_extension(upload.name)
    if extension == "pdf":
        return clean_document(upload, allow_images=False)
    if extension not in OFFICE_PARTS:
        raise ValidationError(_("Upload a PDF, Word (.docx) or Excel (.xlsx) file."), code="format")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB)."),
            code="too_large",
            params={"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        )
    not_what_it_says = ValidationError(
        _("The file is not a Word or Excel document we can read."), code="format"
    )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_what_it_says from exc
    if "[Content_Types].xml" not in names or OFFICE_PARTS[extension] not in names:
        raise not_what_it_says
    if unpacked > MAX_UNPACKED_BYTES:
        raise not_what_it_says
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(_("Documents with macros are not accepted."), code="macros")
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{extension}")


class DownloadFileForm(forms.ModelForm):
    class Meta:
        model = DownloadFile
        fields = ["title", "file", "position"]

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and hasattr(file, "content_type"):  # a new upload, not the stored file
            return clean_download(file)
        return file


class PageAdminForm(forms.ModelForm):
    """The page's own settings, and the fields of a new version (a version already written is
    never edited: saving with a new text writes the next version)."""

    new_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    new_body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
        help_text=_("Markdown: **bold**, lists, [link text](https://…), headings."),
    )
    new_note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        help_text=_("A few words for the history, e.g. 'new opening hours'."),
    )
    publish_now = forms.BooleanField(
        label=_("Publish this version now"),
        required=False,
        help_text=_("Otherwise it is saved as a draft that staff can preview and publish."),
    )

    class Meta:
        model = Page
        fields = ["title", "slug", "kind", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.pk and not self.is_bound:
            newest = page.versions.order_by("-number").first()
            if newest is not None:
                self.initial.setdefault("new_title", newest.title)
                self.initial.setdefault("new_body", newest.body)

    def clean(self):
        cleaned = super().clean()
        title, body = cleaned.get("new_title", "").strip(), cleaned.get("new_body", "")
        if self.instance.pk is None and not (title and body.strip()):
            raise ValidationError(_("Write the page's first version: a title and a text."))
        if body.strip() and not title:
            self.add_error("new_title", _("Give the page a title."))
        if cleaned.get("publish_now") and not body.strip():
            self.add_error("new_body", _("Write the text to publish."))
        return cleaned

    def wants_new_version(self) -> bool:
        """True when the version fields differ from the newest version (or there is none)."""
        data = self.cleaned_data
        if not data.get("new_body", "").strip():
            return False
        newest = self.instance.versions.order_by("-number").first() if self.instance.pk else None
        if newest is None:
            return True
        return (
            data["new_title"].strip() != newest.title
            or data["new_body"].replace("\r\n", "\n") != newest.body
        )


def _office_formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class OfficeDetailsForm(forms.ModelForm):
    """The office's details in the admin: phone and fax numbers stored half-width."""

    class Meta:
        model = OfficeDetails
        fields = OFFICE_FIELDS
        formfield_callback = _office_formfield

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_fax(self):
        return clean_phone(self.cleaned_data["fax"])
