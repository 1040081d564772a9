"""Uploads: the content decides the type, sizes and pixels are limited (decompression bombs
included), EXIF with the GPS position is removed, stored names are random with a safe
extension, and nothing uploaded is ever served with a type a browser would run."""

from __future__ import annotations

import io
import mimetypes
import struct
import zlib
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import re_path
from django.utils import translation
from django.views.static import serve
from PIL import Image, ImageFile

from core.forms import CleanImageField, DocumentField
from core.uploads import MAX_IMAGE_PIXELS, clean_document, clean_image

SAFE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
PROJECT_APPS = [
    "core",
    "accounts",
    "groups",
    "facilities",
    "events",
    "news",
    "newsletter",
    "bulletin",
    "reports",
]


def image_bytes(fmt="PNG", size=(64, 48), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "#1d5e3a").save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(data: bytes, name: str, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int) -> bytes:
    """A real decompression bomb: a 1-bit PNG of side×side zero pixels, a few hundred KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


# --- Type sniffing: the bytes decide, never the name or the browser's claimed type.
@pytest.mark.parametrize(
    "data,name",
    [
        (b"<script>alert(document.cookie)</script>", "photo.jpg"),
        (b"<?php system($_GET['c']); ?>", "photo.png"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg"),
        (b"GIF89a<script>alert(1)</script>", "anim.gif"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "truncated.jpg"),
        (b"", "empty.png"),
    ],
)
def test_things_that_are_not_images_are_refused(data, name):
    with pytest.raises(ValidationError) as err:
        clean_image(upload(data, name, "image/jpeg"))
    assert err.value.code == "not_an_image"


def test_image_formats_outside_the_list_are_refused():
    with pytest.raises(ValidationError) as err:
        clean_image(upload(image_bytes("BMP"), "ok.png", "image/png"))
    assert err.value.code == "format"


@pytest.mark.parametrize(
    "data,name",
    [
        (b"<html><script>alert(1)</script></html>", "rules.pdf"),
        (b"%PDF-1.7\n<</Type/Catalog>>\n", "truncated.pdf"),
        (b"MZ\x90\x00 an executable", "officers.pdf"),
    ],
)
def test_documents_must_really_be_pdfs_or_images(data, name):
    with pytest.raises(ValidationError):
        clean_document(upload(data, name, "application/pdf"), allow_images=False)
    with pytest.raises(ValidationError):
        clean_document(upload(data, name, "application/pdf"), allow_images=True)


def test_a_real_pdf_is_kept_byte_for_byte_under_a_random_name():
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    cleaned = clean_document(upload(data, "../../etc/規約.pdf.html", "text/html"))
    assert cleaned.read() == data
    assert cleaned.name.endswith(".pdf") and "/" not in cleaned.name and ".." not in cleaned.name


# --- Size and pixel limits, decompression bombs.
def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = image_bytes("PNG") + b"\x00" * (16 * 1024 * 1024)
    with pytest.raises(ValidationError) as err:
        clean_image(upload(data, "big.png", "image/png"))
    assert err.value.code == "too_large"
    with pytest.raises(ValidationError) as err:
        clean_document(upload(b"%PDF-" + b"0" * (11 * 1024 * 1024), "big.pdf"))
    assert err.value.code == "too_large"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width×height pixels but holds no picture: opening it reads the header;
    decoding it would fail (so a refusal for its size proves nothing was decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if Pillow starts decoding pixels."""

    def load(self, *args, **kwargs):
        raise AssertionError(f"{self.size} pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_the_limit_is_24_megapixels():
    assert MAX_IMAGE_PIXELS == 24_000_000


def test_a_6000_by_4000_photo_passes():
    data = image_bytes("PNG", size=(6000, 4000), mode="1")
    cleaned = clean_image(upload(data, "camera.png", "image/png"))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert result.size == (1600, 1067)


@pytest.mark.parametrize(
    "size",
    [(6001, 4000), (4000, 6001), (6000, 6000), (100_000, 241)],
    ids=["6001x4000", "4000x6001", "36MP", "a long strip"],
)
def test_a_picture_over_24_megapixels_is_refused_from_its_header(no_decoding, size):
    with translation.override("ja"), pytest.raises(ValidationError) as err:
        clean_image(upload(png_header_only(*size), "big.png", "image/png"))
    assert err.value.code == "too_many_pixels"
    with translation.override("ja"):  # the message is lazy: read it in Japanese
        assert err.value.messages == ["画像の画素数が多すぎます（24 メガピクセルまで）。"]


def test_a_36_megapixel_single_colour_png_is_refused_without_being_decoded(no_decoding):
    """The issue's case: a real, small file that would take seconds of CPU to decode."""
    bomb = png_bomb(6000)  # 6000×6000 = 36 MP of one colour
    assert len(bomb) < 200 * 1024
    with pytest.raises(ValidationError) as err:
        clean_image(upload(bomb, "one-colour.png", "image/png"))
    assert err.value.code == "too_many_pixels"


def test_a_decompression_bomb_is_refused_without_being_decoded(no_decoding):
    bomb = png_bomb(10_000)  # 100 megapixels in about 12 KB: over Pillow's own hard limit
    assert len(bomb) < 100 * 1024
    with pytest.raises(ValidationError) as err:
        clean_image(upload(bomb, "innocent.png", "image/png"))
    assert err.value.code == "too_many_pixels"


def test_a_document_scanned_over_24_megapixels_is_refused_for_its_size(no_decoding):
    scan = upload(png_header_only(4961, 7016), "rules-600dpi.png", "image/png")  # A4 at 600 dpi
    with pytest.raises(ValidationError) as err:
        clean_document(scan)
    assert err.value.code == "too_many_pixels"


def test_pillow_itself_refuses_to_open_what_the_portal_would_not_decode():
    """Pillow's own guard follows the portal's limit, for any code that opens an image."""
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png_header_only(7000, 7000)))  # over twice the limit


# --- Metadata: EXIF and the GPS position never survive; the picture is turned upright.
def jpeg_with_gps_and_orientation() -> bytes:
    image = Image.new("RGB", (80, 40), "#336699")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "KyodoCam"  # Make
    exif[0x9003] = "2026:04:01 10:00:00"  # DateTimeOriginal (in the Exif IFD for real cameras)
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (33.0, 57.0, 36.0)
    gps[3] = "E"
    gps[4] = (133.0, 17.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"home address here")
    return buffer.getvalue()


def test_exif_and_gps_are_removed_and_the_photo_is_upright():
    data = jpeg_with_gps_and_orientation()
    original = Image.open(io.BytesIO(data))
    assert original.getexif().get_ifd(0x8825), "the fixture must really carry GPS data"

    cleaned = clean_image(upload(data, "IMG_0001.JPG", "image/jpeg"))
    raw = cleaned.read()
    result = Image.open(io.BytesIO(raw))
    assert result.format == "JPEG"
    assert not result.getexif()
    assert "exif" not in result.info and "comment" not in result.info
    assert b"KyodoCam" not in raw and b"home address" not in raw
    assert result.size == (40, 80)  # rotated as the camera meant it
    assert cleaned.name.endswith(".jpg")


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("WEBP", "webp"), ("GIF", "png")])
def test_other_formats_are_re_encoded_to_a_safe_type(fmt, ext):
    mode = "P" if fmt == "GIF" else "RGB"
    cleaned = clean_image(upload(image_bytes(fmt, mode=mode), f"x.{fmt.lower()}", "image/*"))
    assert cleaned.name.endswith(f".{ext}")
    Image.open(io.BytesIO(cleaned.read())).verify()


def test_large_photos_are_scaled_down():
    data = image_bytes("JPEG", size=(4000, 3000))
    result = Image.open(io.BytesIO(clean_image(upload(data, "big.jpg", "image/jpeg")).read()))
    assert max(result.size) == 1600


# --- The portal's forms use the cleaning fields for every upload.
class _PhotoForm(forms.Form):
    photo = CleanImageField()
    rules = DocumentField(allow_images=False, required=False)


def test_the_form_fields_clean_what_they_receive():
    form = _PhotoForm(
        data={},
        files={"photo": upload(jpeg_with_gps_and_orientation(), "a.jpg", "image/jpeg")},
    )
    assert form.is_valid(), form.errors
    assert not Image.open(io.BytesIO(form.cleaned_data["photo"].read())).getexif()
    bad = _PhotoForm(data={}, files={"photo": upload(b"<script>", "a.jpg", "image/jpeg")})
    assert not bad.is_valid()
    assert "photo" in bad.errors


def _file_fields_that_skip_cleaning(form_class) -> list[str]:
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.FileField)
        and not isinstance(field, CleanImageField | DocumentField)
    ]


def test_every_public_form_cleans_its_uploads():
    """A plain FileField/ImageField would keep the uploader's name and bytes (EXIF, GPS...)."""
    offenders = []
    for app in PROJECT_APPS:
        try:
            module = import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name in dir(module):
            obj = getattr(module, name)
            if (
                isinstance(obj, type)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and hasattr(obj, "base_fields")
            ):
                offenders += [
                    f"{app}.forms.{name}.{f}" for f in _file_fields_that_skip_cleaning(obj)
                ]
    assert not offenders, offenders


@pytest.mark.django_db
def test_every_admin_form_cleans_its_uploads(django_user_model):
    superuser = django_user_model(email="root@example.org", is_staff=True, is_superuser=True)
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        request = RequestFactory().get("/admin/")
        request.user = superuser
        form_class = model_admin.get_form(request)
        offenders += [
            f"{model._meta.label} admin: {f}" for f in _file_fields_that_skip_cleaning(form_class)
        ]
        for inline in model_admin.get_inline_instances(request):
            formset = inline.get_formset(request)
            offenders += [
                f"{model._meta.label} admin inline {inline.model._meta.label}: {f}"
                for f in _file_fields_that_skip_cleaning(formset.form)
            ]
    assert not offenders, offenders


# --- Serving: only types a browser will not run, with nosniff.
def test_every_stored_extension_maps_to_a_harmless_type():
    for name in ["a.jpg", "a.png", "a.webp", "a.pdf"]:
        assert mimetypes.guess_type(name)[0] in SAFE_TYPES, name


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": None}),
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_dev_media_serving_sends_the_harmless_type_with_nosniff(client, settings):
    urlpatterns[0].default_args["document_root"] = settings.MEDIA_ROOT
    cleaned = clean_image(upload(image_bytes("PNG"), "evil.html", "text/html"))
    from django.core.files.storage import default_storage

    stored = default_storage.save(f"proof/{cleaned.name}", cleaned)
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] in SAFE_TYPES
    assert response["X-Content-Type-Options"] == "nosniff"
    default_storage.delete(stored)


def test_no_model_keeps_uploads_where_the_web_server_would_run_them():
    # FileFields store under MEDIA_ROOT (served as static files), except the private storage.
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if hasattr(field, "upload_to") and isinstance(field.upload_to, str):
                assert not field.upload_to.startswith(("/", "..")), (model, field.name)


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_a_see_through_background_stays_see_through(fmt):
    # A palette logo whose background colour is marked transparent (the usual GIF/PNG logo).
    logo = Image.new("P", (32, 32), 0)
    logo.putpalette([255, 255, 255, 29, 94, 58] + [0] * 762)
    logo.paste(1, (8, 8, 24, 24))
    buffer = io.BytesIO()
    logo.save(buffer, format=fmt, transparency=0)
    cleaned = clean_image(upload(buffer.getvalue(), f"logo.{fmt.lower()}"))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        rgba = result.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0  # the background
        assert rgba.getpixel((16, 16)) == (29, 94, 58, 255)  # the mark itself
