"""The information bulletin board (情報掲示板): notices that registered groups post.

Reports contract (the reports app counts per fiscal year in SQL; keep these names):
``BulletinPost.created_at`` (when the group posted), ``BulletinPost.published_at`` (when it went
public; null until then) and ``BulletinPost.status`` (``published`` = on the board, unless expired).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.models import Group


class Category(models.TextChoices):
    MEMBERS = "members", _("Member recruitment")
    EVENT = "event", _("Event notice")
    PARTNERS = "partners", _("Partner wanted")
    VOLUNTEERS = "volunteers", _("Volunteers wanted")
    GIVEAWAY = "giveaway", _("Items to give away")
    OTHER = "other", _("Other")


# Fields a post of each category must fill in, besides title, body and expiry.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    Category.MEMBERS: ("contact",),
    Category.EVENT: ("when", "place", "contact"),
    Category.PARTNERS: ("what", "contact"),
    Category.VOLUNTEERS: ("what", "when", "place", "contact"),
    Category.GIVEAWAY: ("what", "place", "contact"),
    Category.OTHER: (),
}
DETAIL_FIELDS = ("what", "when", "place", "contact")
MAX_DAYS_ON_BOARD = 120


class BulletinSettings(models.Model):
    """The board's settings (one row, edited by staff in the admin)."""

    class Moderation(models.TextChoices):
        PRE = "pre", _("Pre-moderation: staff publish each post")
        POST = "post", _("Post-moderation: posts appear at once, staff may hide them")

    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PRE
    )
    default_yearly_quota = models.PositiveSmallIntegerField(
        _("posts per group per fiscal year"),
        default=12,
        help_text=_("Unless a group has its own quota."),
    )
    hide_after_reports = models.PositiveSmallIntegerField(
        _("hide a post after reports from this many accounts"),
        default=3,
        help_text=_(
            "Open reports from this many different signed-in accounts take a post off the board "
            "until staff review it; anonymous reports only bring it to staff. "
            "0 = never hide automatically."
        ),
    )

    class Meta:
        verbose_name = _("bulletin board settings")
        verbose_name_plural = _("bulletin board settings")

    def __str__(self) -> str:
        return str(_("Bulletin board settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> BulletinSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def premoderated(self) -> bool:
        return self.moderation == self.Moderation.PRE


class GroupQuota(models.Model):
    """A group's own limit of posts per fiscal year, set by staff."""

    group = models.OneToOneField(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.CASCADE,
        related_name="bulletin_quota",
    )
    yearly_limit = models.PositiveSmallIntegerField(_("posts per fiscal year"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("group quota")
        verbose_name_plural = _("group quotas")

    def __str__(self) -> str:
        return f"{self.group}: {self.yearly_limit}"


class PostQuerySet(models.QuerySet):
    def active(self, today=None):
        """Not yet expired: a post stays on the board through its expiry date (Asia/Tokyo)."""
        return self.filter(expires_on__gte=today or timezone.localdate())

    def visible(self, today=None):
        """What the public sees: published and unexpired."""
        return self.filter(status=BulletinPost.Status.PUBLISHED).active(today)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class BulletinPost(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by staff")
        WITHDRAWN = "withdrawn", _("Withdrawn by the group")

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.CASCADE,
        related_name="bulletin_posts",
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bulletin_posts",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("details"), max_length=5000, help_text=_("Markdown: **bold**, lists, [link](https://…).")
    )
    what = models.CharField(
        _("what"), max_length=200, blank=True, help_text=_("What you are looking for or offering.")
    )
    when = models.CharField(
        _("when"),
        max_length=200,
        blank=True,
        help_text=_("Date and time, e.g. 5月10日(土) 10時～12時."),
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Shown to everyone: e.g. the group's public e-mail address or phone."),
    )
    expires_on = models.DateField(
        _("show until"), help_text=_("The post leaves the board after this day.")
    )
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    moderation_note = models.CharField(_("note from staff"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin post")
        verbose_name_plural = _("bulletin posts")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_on", "category"]),
            models.Index(fields=["group", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="bulletin_published_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        for name in REQUIRED_FIELDS.get(self.category, ()):
            if not (getattr(self, name) or "").strip():
                errors[name] = ValidationError(
                    _("Please fill this in for a “%(category)s” post."),
                    code="required_for_category",
                    params={"category": self.get_category_display()},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_expired

    def details(self) -> list[tuple[str, str]]:
        """(label, value) of the filled detail fields, in a fixed order."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in DETAIL_FIELDS
            if getattr(self, name)
        ]


class PostReport(models.Model):
    """Anyone may report a post (wrong, offensive, commercial...); staff review reports."""

    class Reason(models.TextChoices):
        WRONG = "wrong", _("The information is wrong or out of date")
        OFFENSIVE = "offensive", _("Offensive or discriminatory")
        COMMERCIAL = "commercial", _("Commercial advertising or sales")
        PERSONAL = "personal", _("Exposes someone's personal information")
        OTHER = "other", _("Other")

    post = models.ForeignKey(
        BulletinPost, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.TextField(_("details"), max_length=2000, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who reported, so that each reporter counts once towards hiding a post: "user:<id>" for
    # an account, or a keyed hash of an anonymous visitor's address (never the address).
    reporter_key = models.CharField(
        _("reporter key"), max_length=80, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("post report", "report")
        verbose_name_plural = pgettext_lazy("post report", "reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.post}: {self.get_reason_display()}"
