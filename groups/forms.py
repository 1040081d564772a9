"""Forms of the groups app. They validate and clean; the services in groups.services write."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import CleanImageField, DocumentField, HeldToken, HoneypotMixin, KeptFileInput
from core.text import clean_phone
from groups.models import (
    RESERVED_SLUGS,
    ActivityField,
    ActivityRecord,
    Area,
    Group,
    GroupDocument,
    kana_validator,
    normalize_name,
    to_hiragana,
)
from groups.romaji import slug_from_reading
from groups.selectors import DIRECTORY_SORTS
from groups.services import PRIVATE_FIELDS, PROFILE_FIELDS, photo_limit_message


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class OnceMixin(forms.Form):
    """A one-time token in a hidden field: the same form posted twice is recognised."""

    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class PhotoBudgetMixin:
    """Pictures count against the member's hourly budget (groups.services.PHOTOS_PER_HOUR).

    Given ``photos_left`` (the view asks the service), a post with more pictures than that is
    refused before any of them is opened, since decoding them is the costly part; the form
    keeps everything else that was typed. The service checks again when it saves."""

    photo_fields: tuple[str, ...] = ()

    def __init__(self, *args, photos_left: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_budget_error = None
        if photos_left is None or not self.files:
            return
        sent = {name: self._pictures_sent(name) for name in self.photo_fields}
        if sum(sent.values()) > photos_left:
            self.files = self.files.copy()
            for name in sent:
                self.files.pop(self.add_prefix(name), None)
            field = next(name for name, count in sent.items() if count)
            self.photo_budget_error = (field, photo_limit_message(photos_left))

    def _pictures_sent(self, name: str) -> int:
        key = self.add_prefix(name)
        if hasattr(self.files, "getlist"):
            return len([f for f in self.files.getlist(key) if f])
        value = self.files.get(key)
        return len([f for f in value if f]) if isinstance(value, list | tuple) else int(bool(value))

    def clean(self):
        cleaned = super().clean()
        if self.photo_budget_error:
            self.add_error(*self.photo_budget_error)
        return cleaned


class KanaField(forms.CharField):
    """A kana reading: full-width, katakana folded to hiragana, then checked."""

    default_validators = [kana_validator]

    def to_python(self, value):
        return to_hiragana(super().to_python(value))


class MultipleFileInput(KeptFileInput):
    allow_multiple_selected = True


class MultipleImageField(CleanImageField):
    """Several photos in one file input, each checked and cleaned like CleanImageField; photos
    that passed are kept when the form comes back with an error (core.forms.KeptFileInput)."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files: int = 6, **kwargs):
        self.max_files = max_files
        # Lazy: fields are made when the form class is (at import), shown in each reader's language.
        kwargs.setdefault(
            "help_text",
            lazy(
                lambda: (
                    gettext(
                        "Up to %(n)d photos: JPEG, PNG or WebP, up to 15 MB each. Location data "
                        "(GPS) is removed."
                    )
                    % {"n": max_files}
                ),
                str,
            )(),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        self.widget.kept, self.widget.pending = [], []
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("Choose at most %(n)d photos."), code="too_many", params={"n": self.max_files}
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                if isinstance(upload, HeldToken):
                    cleaned.append(self._from_hold(upload))
                    continue
                content = self.to_python(upload)
                self.validate(content)
                self.run_validators(content)
            except ValidationError as exc:
                name = getattr(upload, "name", "")
                errors.extend(f"{name}: {message}" if name else message for message in exc.messages)
            else:
                cleaned.append(content)
                self._remember(content, upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


# --------------------------------------------------------------------------- profile


def _page_address_help():
    return _(
        "The end of your page's address (%(example)s): lower-case letters, digits and hyphens. "
        "We made it from the reading; you can change it now or later on your group's edit page."
    ) % {"example": f"{settings.SITE_URL.rstrip('/')}/groups/…/"}


class PageAddressField(forms.SlugField):
    """The end of the group page's address, e.g. kodomoshokudou-himawari."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Your page's address"))
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault("help_text", lazy(_page_address_help, str)())
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Use only lower-case letters (a–z), digits and hyphens.")},
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})

    def to_python(self, value):
        return super().to_python(value).strip().lower()


def check_page_address(slug: str, *, group: Group | None = None) -> str:
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("This page address is reserved. Choose another."), code="reserved")
    taken = Group.objects.filter(slug=slug)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(_("This page address is already taken."), code="taken")
    return slug


def suggested_page_address(reading: str) -> str:
    """A free page address made from the reading (こどもしょくどう → kodomoshokudou, then -2…)."""
    base = slug_from_reading(reading, max_length=56)
    if not base:
        return ""
    taken = set(Group.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | set(
        RESERVED_SLUGS
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


class GroupProfileForm(PhotoBudgetMixin, OnceMixin, forms.ModelForm):
    """The public profile; with ``include_private`` also the representative's contact."""

    name_kana = KanaField(
        label=_("group name reading (kana)"),
        max_length=200,
        help_text=_("Used to sort groups in 50-sound order, e.g. まちづくりきょうぎかい."),
    )
    looking_for = forms.MultipleChoiceField(
        label=_("We are looking for"),
        choices=Group.LookingFor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when you are not looking for anyone just now."),
    )
    logo_upload = CleanImageField(label=_("Logo or photo"), required=False, max_side=800)
    photo_fields = ("logo_upload",)

    class Meta:
        model = Group
        fields = [
            "name",
            "name_kana",
            "summary",
            "description",
            "fields",
            "areas",
            "founded_year",
            "member_count",
            "meeting_frequency",
            "looking_for",
            "offers",
            "needs",
            "website",
            "sns_url",
            "public_email",
            *PRIVATE_FIELDS,
        ]
        formfield_callback = _formfield
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 8}),
            "offers": forms.Textarea(attrs={"rows": 4}),
            "needs": forms.Textarea(attrs={"rows": 4}),
            "representative_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "summary": _("One or two sentences shown in the directory."),
            "offers": _(
                "Skills, equipment, places or know-how you can share with other groups. "
                "Partner search matches this with what others are looking for."
            ),
            "needs": _(
                "Help you would like from other groups, companies or volunteers. Partner "
                "search matches this with what others can offer."
            ),
            "public_email": _("Shown on your page. Leave empty to be reached by the form only."),
            "representative_name": _("Seen only by the office staff."),
            "representative_phone": _("Seen only by the office staff."),
            "representative_address": _("Seen only by the office staff."),
        }

    def clean_representative_phone(self):
        return clean_phone(self.cleaned_data["representative_phone"])

    def __init__(self, *args, include_private: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].queryset = ActivityField.objects.order_by("order", "pk")
        self.fields["areas"].queryset = Area.objects.order_by("order", "pk")
        this_year = timezone.localdate().year
        founded = self.fields["founded_year"]
        founded.validators += [MinValueValidator(1900), MaxValueValidator(this_year)]
        founded.widget.attrs.update({"min": 1900, "max": this_year})
        members = self.fields["member_count"]
        members.validators += [MaxValueValidator(100_000)]
        members.widget.attrs.update({"min": 0})
        if not include_private:
            for name in PRIVATE_FIELDS:
                del self.fields[name]
        elif self.private_fields_under_legend():
            # _profile_fields.html says "seen only by the office" in the fieldset's legend once;
            # the same sentence under each of its fields was noise.
            for name in PRIVATE_FIELDS:
                self.fields[name].help_text = ""
        if include_private and self.instance.pk:
            # The representative may change the page's address (old links then stop working).
            self.fields["slug"] = PageAddressField(
                help_text=_(
                    "Lower-case letters, digits and hyphens. Links to the old address stop "
                    "working when you change it."
                )
            )
            self.initial.setdefault("slug", self.instance.slug)
        if self.instance.pk and self.instance.logo:
            self.fields["remove_logo"] = forms.BooleanField(
                label=_("Remove the current logo"), required=False
            )

    def private_fields_under_legend(self) -> bool:
        """Whether the page shows the private fields in their own fieldset (_profile_fields)."""
        return True

    def clean_name(self):
        name = normalize_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Enter the group's name."), code="required")
        clash = Group.objects.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(
                _("A group with this name has already registered or applied."), code="duplicate"
            )
        return name

    def clean_slug(self):
        return check_page_address(self.cleaned_data["slug"], group=self.instance)

    def profile_data(self) -> dict:
        data = {
            key: self.cleaned_data[key]
            for key in PROFILE_FIELDS + PRIVATE_FIELDS
            if key in self.cleaned_data
        }
        if self.cleaned_data.get("slug"):
            data["slug"] = self.cleaned_data["slug"]
        return data


@dataclass(frozen=True)
class ApplyStep:
    key: str
    title: str
    fields: tuple[str, ...]


# The group application in short steps, in plain words; the last one checks and sends.
APPLY_STEPS = (
    ApplyStep(
        "group",
        _("About the group"),
        ("name", "name_kana", "summary", "description", "fields", "areas"),
    ),
    ApplyStep(
        "activities",
        _("Activities"),
        (
            "founded_year",
            "member_count",
            "meeting_frequency",
            "looking_for",
            "offers",
            "needs",
            "logo_upload",
        ),
    ),
    ApplyStep(
        "contact",
        _("Contact details"),
        ("website", "sns_url", "public_email", *PRIVATE_FIELDS),
    ),
    ApplyStep("documents", _("Documents"), ("rules_document", "officers_document")),
    ApplyStep("check", _("Check and send"), ("slug", "eligibility")),
)
APPLY_STEP_KEYS = tuple(step.key for step in APPLY_STEPS)


def apply_step(key: str | None) -> ApplyStep:
    return next((step for step in APPLY_STEPS if step.key == key), APPLY_STEPS[0])


class GroupApplyForm(GroupProfileForm):
    """仮登録: the profile, the representative's contact, the documents and the declaration.

    With ``step`` (one of APPLY_STEPS) the form has only that step's fields; without, all."""

    slug = PageAddressField(required=False)
    rules_document = DocumentField(
        label=_("Rules of the group (規約)"),
        help_text=_(
            "PDF or a photo of the paper (JPEG, PNG), up to 10 MB. Only the office sees it."
        ),
    )
    officers_document = DocumentField(
        label=_("List of officers (役員名簿)"),
        help_text=_(
            "PDF or a photo of the paper (JPEG, PNG), up to 10 MB. Only the office sees it."
        ),
    )
    eligibility = forms.BooleanField(
        label=_(
            "We confirm that the group is not a political, religious or commercial group and "
            "works for the public good of the city."
        ),
        error_messages={
            "required": _(
                "Political, religious and commercial groups cannot register. Please confirm."
            )
        },
    )

    field_order = ["name", "name_kana", "slug"]

    def __init__(self, *args, step: ApplyStep | None = None, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)
        if step is not None:
            for name in list(self.fields):
                if name not in step.fields and name != "submission_token":
                    del self.fields[name]

    def private_fields_under_legend(self) -> bool:
        # One step of the application (apply.html) lists public and private contact fields
        # together: there each private field says who sees it.
        return self.step is None

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or ""
        return check_page_address(slug) if slug else ""

    def profile_data(self) -> dict:
        data = super().profile_data()
        data["slug"] = self.cleaned_data.get("slug", "")
        return data

    def documents(self) -> list[tuple[str, object]]:
        return [
            (GroupDocument.Kind.RULES, self.cleaned_data["rules_document"]),
            (GroupDocument.Kind.OFFICERS, self.cleaned_data["officers_document"]),
        ]


class RenewalForm(OnceMixin, forms.ModelForm):
    """年度更新: the representative confirms the contact details (and may send new documents)."""

    confirm = forms.BooleanField(
        label=_(
            "The group's details are up to date, and the group is still not political, "
            "religious or commercial."
        ),
        error_messages={"required": _("Please confirm the group's details.")},
    )
    officers_document = DocumentField(
        label=_("New list of officers (optional)"),
        required=False,
        help_text=_("Only when the officers changed. PDF or image, up to 10 MB."),
    )
    note = forms.CharField(
        label=_("Note to the office (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Group
        fields = PRIVATE_FIELDS
        widgets = {"representative_phone": forms.TextInput(attrs={"type": "tel"})}

    def clean_representative_phone(self):
        return clean_phone(self.cleaned_data["representative_phone"])

    def documents(self):
        document = self.cleaned_data.get("officers_document")
        return [(GroupDocument.Kind.OFFICERS, document)] if document else []


# --------------------------------------------------------------------------- directory


class DirectoryFilterForm(forms.Form):
    """The directory's GET parameters. A bad value is reported next to its control and
    ignored; it never turns into an error page."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    field = forms.ChoiceField(
        label=_("Activity field"),
        required=False,
        error_messages={"invalid_choice": _("There is no such activity field.")},
    )
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        error_messages={"invalid_choice": _("There is no such area.")},
    )
    looking_for = forms.ChoiceField(
        label=_("Looking for"),
        choices=[("", _("Anything")), *Group.LookingFor.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the options.")},
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("kana", _("50-sound order (あいうえお)")), ("new", _("Newest first"))],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the orders.")},
    )

    def __init__(self, *args, field_choices=(), area_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The lists are read once by the view; choices and lookups reuse them (no query).
        self._fields_by_slug = {f.slug: f for f in field_choices}
        self._areas_by_slug = {a.slug: a for a in area_choices}
        self.fields["field"].choices = [("", _("All fields"))] + [
            (f.slug, f.label) for f in field_choices
        ]
        self.fields["area"].choices = [("", _("All areas"))] + [
            (a.slug, a.label) for a in area_choices
        ]

    def filters(self) -> dict:
        """The valid parameters as objects (invalid ones are dropped and reported)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "field": self._fields_by_slug.get(data.get("field") or ""),
            "area": self._areas_by_slug.get(data.get("area") or ""),
            "looking_for": data.get("looking_for") or None,
            "sort": data.get("sort") if data.get("sort") in DIRECTORY_SORTS else "kana",
        }


# --------------------------------------------------------------------------- membership


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


# --------------------------------------------------------------------------- activity records


class ActivityRecordForm(PhotoBudgetMixin, OnceMixin, forms.Form):
    photo_fields = ("photos",)
    held_on = forms.DateField(
        label=_("Date of the activity"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Report"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What you did, who joined, what you learned."),
    )
    photos = MultipleImageField(
        label=_("Photos"), required=False, max_files=ActivityRecord.MAX_PHOTOS
    )

    def __init__(self, *args, record: ActivityRecord | None = None, **kwargs):
        self.record = record
        if record is not None:
            kwargs.setdefault(
                "initial",
                {"held_on": record.held_on, "title": record.title, "body": record.body},
            )
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if record is not None:
            photos = list(record.photos.all())
            if photos:
                self.fields["remove_photos"] = forms.TypedMultipleChoiceField(
                    label=_("Remove photos"),
                    required=False,
                    coerce=int,
                    choices=[
                        (p.pk, p.caption or _("Photo %(n)d") % {"n": i})
                        for i, p in enumerate(photos, start=1)
                    ],
                    widget=forms.CheckboxSelectMultiple,
                )
            self.existing_photos = photos
        else:
            self.existing_photos = []

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError(_("The date of the activity cannot be in the future."))
        if held_on < dt.date(1950, 1, 1):
            raise ValidationError(_("Check the date of the activity."))
        return held_on

    def clean(self):
        cleaned = super().clean()
        photos = cleaned.get("photos") or []
        removed = set(cleaned.get("remove_photos") or [])
        kept = [p for p in self.existing_photos if p.pk not in removed]
        if len(kept) + len(photos) > ActivityRecord.MAX_PHOTOS:
            self.add_error(
                "photos",
                ValidationError(
                    _("A record can have at most %(n)d photos; it has %(kept)d already."),
                    params={"n": ActivityRecord.MAX_PHOTOS, "kept": len(kept)},
                ),
            )
        return cleaned


# --------------------------------------------------------------------------- contact


class ContactForm(HoneypotMixin, OnceMixin):
    sender_name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    sender_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The group replies to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=120)
    message = forms.CharField(
        label=_("Message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, can_copy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if can_copy:
            # Signed in with a verified address: a copy may go there (never to an address
            # typed in the form, which an anonymous visitor could fill with anyone's).
            self.fields["send_copy"] = forms.BooleanField(
                label=_("Send me a copy at the address of my account"),
                required=False,
                initial=True,
            )

    def clean_subject(self):
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("The subject must fit on one line."))
        return subject

    def clean_sender_name(self):
        name = self.cleaned_data["sender_name"]
        return " ".join(name.split())


class ReasonForm(forms.Form):
    """The admin's intermediate page for actions that need a reason (reject, withdraw...)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the group's representatives by e-mail."),
    )
