"""Pages staff can edit (office guide, access, FAQ, downloads, privacy policy, terms of use),
their versions, the office's own details and the consent a person gave at sign-up.

Versions are append-only: editing a page writes a new version, publishing one archives the
previous published one, restoring an old one writes a new draft copy (pages/services.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Page(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("Office guide and rules")
        ACCESS = "access", _("Access and opening hours")
        FAQ = "faq", _("Frequently asked questions")
        DOWNLOADS = "downloads", _("Forms to download")
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms of use")
        OTHER = "other", pgettext_lazy("page kind", "Other")

    # Each kind but "other" has one page at a fixed address (/guide/, /access/ ...).
    FIXED_KINDS = ("guide", "access", "faq", "downloads", "privacy", "terms")

    slug = models.SlugField(
        _("web address name"),
        max_length=80,
        unique=True,
        help_text=_("Letters, digits and hyphens; other pages are shown at /pages/<name>/."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(
        _("name in the footer"), max_length=100, help_text=_("Used for pages of kind Other.")
    )
    position = models.PositiveSmallIntegerField(_("order in the footer"), default=0)
    published_version = models.OneToOneField(
        "PageVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=~Q(kind="other"), name="pages_one_page_per_fixed_kind"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.kind in self.FIXED_KINDS:
            return reverse(f"pages:{self.kind}")
        return reverse("pages:page", kwargs={"slug": self.slug})

    @property
    def link_text(self) -> str:
        return self.title if self.kind == self.Kind.OTHER else str(self.get_kind_display())


class PageVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("page version", "Draft")
        PUBLISHED = "published", pgettext_lazy("page version", "Published")
        ARCHIVED = "archived", pgettext_lazy("page version", "Archived")

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    page = models.ForeignKey(
        Page,
        verbose_name=_("page"),
        on_delete=models.CASCADE,
        related_name="versions",
        db_index=False,
    )
    number = models.PositiveIntegerField(pgettext_lazy("page", "version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("body"), help_text=_("Markdown: **bold**, lists, [link text](https://…), headings.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    note = models.CharField(_("note on this change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="pages_version_number_unique"),
            models.UniqueConstraint(
                fields=["page"],
                condition=Q(status="published"),
                name="pages_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"


def download_upload_to(instance, filename: str) -> str:
    return f"pages/{filename}"


class DownloadFile(models.Model):
    """A form or template on a page (e.g. sample rules, an officer list, a booking form)."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="files"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=download_upload_to, max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file to download")
        verbose_name_plural = _("files to download")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""


class OfficeDetails(models.Model):
    """The office's own details (one row), shown in the footer and on the pages."""

    name = models.CharField(
        pgettext_lazy("office", "name"), max_length=100, default="まちづくり協働オフィス"
    )
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    map_url = models.URLField(
        _("map link"),
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("An https:// address of a map of the office."),
    )
    access_note = models.TextField(
        _("how to get there"),
        blank=True,
        max_length=1000,
        help_text=_("E.g. the nearest station and bus stop, parking."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("office details")
        verbose_name_plural = _("office details")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> OfficeDetails:
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def phone_link(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")


class Consent(models.Model):
    """The versions of the terms of use and privacy policy a person agreed to, and when.
    No address or device is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    terms_version = models.ForeignKey(
        PageVersion,
        verbose_name=_("terms of use version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    privacy_version = models.ForeignKey(
        PageVersion,
        verbose_name=_("privacy policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.given_at:%Y-%m-%d %H:%M}"
