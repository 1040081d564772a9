"""Text helpers shared by the apps: how a phone number is stored."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dashes people type between the parts of a number (after NFKC): hyphen-minus's look-alikes,
# the katakana long vowel mark ー (and half-width ｰ, which NFKC turns into ー).
_DASHES = "ー‐‑‒–—―−﹣"
_DASH_TABLE = str.maketrans(dict.fromkeys(_DASHES, "-"))
_PHONE_SHAPE = re.compile(r"\+?[0-9()\-]+")
MIN_PHONE_DIGITS = 10
MAX_PHONE_DIGITS = 15

PHONE_MESSAGE = _(
    "Enter a phone number of 10 to 15 digits, such as 0897-12-3456. Only digits, hyphens, "
    "brackets and a leading + can be used."
)


def normalise_phone(value: str | None) -> str:
    """A phone number as stored: NFKC (full-width ０８９７ to 0897), every dash to "-", spaces
    removed. Does not check the number; see clean_phone."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASH_TABLE)
    return "".join(text.split())


def phone_is_valid(value: str) -> bool:
    """A normalised number: digits, "-", "(", ")", a leading "+" only, 10–15 digits."""
    if not _PHONE_SHAPE.fullmatch(value):
        return False
    digits = sum(ch.isdigit() for ch in value)
    return MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS


def clean_phone(value: str | None) -> str:
    """Form cleaning: the normalised number, "" for an empty field, or a ValidationError."""
    phone = normalise_phone(value)
    if phone and not phone_is_valid(phone):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return phone


def normalise_stored_phone(value: str | None) -> str:
    """A number already stored (data migrations): normalised when the result is a valid number,
    otherwise only NFKC, so nothing a person typed is lost."""
    phone = normalise_phone(value)
    if phone_is_valid(phone):
        return phone
    return unicodedata.normalize("NFKC", value or "")


def normalise_stored_phones(model, fields, *, batch: int = 1000) -> None:
    """Normalise the phone ``fields`` of every row of ``model`` (a historical model in a data
    migration), in batches, writing only the rows that change."""
    changed = []
    for row in model.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=batch):
        touched = False
        for name in fields:
            value = getattr(row, name) or ""
            normalised = normalise_stored_phone(value)
            if normalised != value:
                setattr(row, name, normalised)
                touched = True
        if touched:
            changed.append(row)
        if len(changed) >= batch:
            model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        model.objects.bulk_update(changed, fields)
