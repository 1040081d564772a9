"""Checking and cleaning what people upload.

Images are opened by Pillow (so a renamed script is refused), limited in bytes and pixels,
turned upright, stripped of all metadata
(EXIF with its GPS position included) by re-encoding only the pixels, and scaled down.
Documents (a group's rules, a newsletter's PDF) are accepted only when their first bytes say
they are what their name claims.

The pixel limit (24 megapixels: a 6000×4000 camera photo passes) is checked from the image's
header, before a single pixel is decoded: a small one-colour PNG can claim tens of megapixels and
take seconds of CPU to decode. Pillow's own decompression-bomb guard is set to the same limit, so
code that opens an image with Pillow directly refuses such a file too.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_IMAGE_PIXELS = 24_000_000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

# Pillow warns above this many pixels and refuses at twice as many; open_image turns the warning
# into a refusal as well.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def _mb(n: int) -> int:
    return n // (1024 * 1024)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels (at most %(mp)d megapixels)."),
        code="too_many_pixels",
        params={"mp": MAX_IMAGE_PIXELS // 1_000_000},
    )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("The file is not an image we can read. Upload a JPEG, PNG or WebP photo."),
        code="not_an_image",
    )


def open_image(upload) -> Image.Image:
    """Open an image and check its format and pixel count from its header; raise
    ValidationError. Nothing is decoded yet: the caller calls ``load()`` (or ``load_image``)."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _not_an_image() from exc
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    return image


def load_image(upload) -> Image.Image:
    """``open_image``, then decode the pixels (a damaged file is refused as unreadable)."""
    image = open_image(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _not_an_image() from exc
    return image


def clean_image(upload, *, max_side: int = 1600, max_bytes: int = MAX_IMAGE_BYTES) -> ContentFile:
    """Return a re-encoded, metadata-free copy of an uploaded image, or raise ValidationError."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large (at most %(mb)d MB)."),
            code="too_large",
            params={"mb": _mb(max_bytes)},
        )
    image = load_image(upload)

    source_format = image.format
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    out_format = (
        "JPEG" if source_format == "JPEG" else ("WEBP" if source_format == "WEBP" else "PNG")
    )
    if out_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if out_format == "PNG" and (
        image.mode not in ("RGB", "RGBA", "L", "LA", "P") or "transparency" in image.info
    ):
        # A palette or grey image's transparency lives in its info, which the pixel copy below
        # leaves behind: as RGBA the see-through parts stay see-through (a logo's background).
        image = image.convert("RGBA")
    # Copy only the pixels: no EXIF, XMP, ICC comments or GPS survive.
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    buffer = io.BytesIO()
    save_kwargs = {"quality": 85, "optimize": True} if out_format == "JPEG" else {}
    clean.save(buffer, format=out_format, **save_kwargs)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[out_format]
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


PDF_MAGIC = b"%PDF-"


def clean_document(upload, *, allow_images: bool = True, max_bytes: int = MAX_DOCUMENT_BYTES):
    """Accept a real PDF (or, when allowed, a real image); return a ContentFile with a safe name."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB)."),
            code="too_large",
            params={"mb": _mb(max_bytes)},
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        upload.seek(0)
        data = upload.read()
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file is damaged or incomplete."), code="bad_pdf")
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")
    if allow_images:
        try:
            return clean_image(upload, max_side=2400, max_bytes=max_bytes)
        except ValidationError as exc:
            if exc.code == "too_many_pixels":
                raise  # an image indeed, too big: say so (a 600-dpi A4 scan is 35 megapixels)
        raise ValidationError(_("Upload a PDF file or an image (JPEG, PNG)."), code="format")
    raise ValidationError(_("Upload a PDF file."), code="format")


def safe_extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


class PrivateStorage(LazyObject):
    """Files only staff may read (group documents): outside MEDIA_ROOT, never served directly."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


# --------------------------------------------------------------------------- kept uploads
#
# A form sent with an error elsewhere must not make people choose their files again. A file that
# passed its checks is *held*: its cleaned bytes (metadata already stripped) are written to private
# storage under ``held/`` and the form carries a signed token naming it, in a hidden input beside
# the file input. Sent again without a new file, the field takes the held file back from the token.
# The token is signed (it cannot be forged or pointed at another file) and expires after
# ``UPLOAD_HOLD_SECONDS``; an expired token asks for the file again. ``held_uploads_purge`` (the
# command ``core_held_uploads_purge``, from cron) deletes held files older than that.

HELD_DIR = "held"
HELD_SALT = "core.uploads.held"
_HELD_ID_LENGTH = 32


def hold_seconds() -> int:
    return int(getattr(settings, "UPLOAD_HOLD_SECONDS", 24 * 3600))


class HeldFileGone(Exception):
    """The token expired, was tampered with, or its file was already cleaned up."""


def display_name(name: str) -> str:
    """The name people chose (規約.pdf), without any folder, short enough to show."""
    name = PurePath(str(name or "").replace("\\", "/")).name.strip()
    if len(name) > 80:
        stem, suffix = PurePath(name).stem, PurePath(name).suffix[:10]
        name = stem[: 80 - len(suffix) - 1] + "…" + suffix
    return name or "file"


def _held_path(held_id: str) -> str:
    return f"{HELD_DIR}/{held_id}"


def upload_hold(content, *, original_name: str, field: str) -> str:
    """Write a checked file's bytes to private storage; return the signed token for the form."""
    held_id = uuid.uuid4().hex
    content.seek(0)
    private_storage.save(_held_path(held_id), ContentFile(content.read()))
    content.seek(0)
    payload = {
        "i": held_id,
        "n": display_name(original_name),
        "s": PurePath(getattr(content, "name", "") or "file").name,
        "f": field,
    }
    return signing.dumps(payload, salt=HELD_SALT, compress=True)


def held_info(token: str, *, field: str) -> dict:
    """The token's payload (id, shown name, stored name), or HeldFileGone."""
    try:
        payload = signing.loads(token, salt=HELD_SALT, max_age=hold_seconds())
    except (signing.BadSignature, TypeError, ValueError) as exc:  # SignatureExpired included
        raise HeldFileGone from exc
    held_id = str(payload.get("i", ""))
    if payload.get("f") != field or len(held_id) != _HELD_ID_LENGTH or not held_id.isalnum():
        raise HeldFileGone
    if not private_storage.exists(_held_path(held_id)):
        raise HeldFileGone
    return {"id": held_id, "name": payload.get("n") or "file", "stored_name": payload.get("s")}


def upload_from_hold(token: str, *, field: str) -> ContentFile:
    """The held file as a ContentFile ready to save (its random stored name), or HeldFileGone."""
    info = held_info(token, field=field)
    try:
        with private_storage.open(_held_path(info["id"]), "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise HeldFileGone from exc
    extension = safe_extension(info["stored_name"] or "") or "bin"
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    content.held_name = info["name"]
    return content


def upload_release(token: str, *, field: str) -> None:
    """The form was sent: the held file is no longer needed."""
    try:
        info = held_info(token, field=field)
    except HeldFileGone:
        return
    private_storage.delete(_held_path(info["id"]))


def held_uploads_purge(*, now=None) -> int:
    """Delete held files older than the hold (their tokens no longer open them); return how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=hold_seconds())
    try:
        _dirs, names = private_storage.listdir(HELD_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{HELD_DIR}/{name}"
        try:
            modified = private_storage.get_modified_time(path)
        except FileNotFoundError:
            continue
        if modified < cutoff:
            private_storage.delete(path)
            removed += 1
    return removed
