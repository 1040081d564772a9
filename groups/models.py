"""Citizen groups (登録団体), their activity fields and areas, and who acts for them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Kana readings: hiragana or katakana, the long-vowel mark, spaces and a few separators.
kana_validator = RegexValidator(
    r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe\u3000 ・ー－\-"
    r"0-9０-９A-Za-zＡ-Ｚａ-ｚ]+$",
    _("Enter the reading in hiragana or katakana."),
    code="kana",
)


class ActivityField(models.Model):
    """活動分野: the 20 fields of Japan's NPO law by default; staff may edit the list."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("activity field")
        verbose_name_plural = _("activity fields")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Area(models.Model):
    """A district of the city where groups are active."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("activity area")
        verbose_name_plural = _("activity areas")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class GroupQuerySet(models.QuerySet):
    def registered(self):
        """Groups the public may see and that may use the office (suspended ones are hidden)."""
        return self.filter(status=Group.Status.REGISTERED)

    def in_kana_order(self):
        return self.order_by("name_kana", "pk")

    def registered_at(self, day):
        """Groups on the register at the end of ``day`` (suspension does not end registration)."""
        return self.filter(registered_on__isnull=False, registered_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )

    def with_member(self, user):
        return self.filter(memberships__user=user)


class Group(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied (provisional)")
        REGISTERED = "registered", _("Registered")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    class LookingFor(models.TextChoices):
        MEMBERS = "members", _("New members")
        PARTNERS = "partners", _("Partners")
        VOLUNTEERS = "volunteers", _("Volunteers")

    name = models.CharField(_("group name"), max_length=120, unique=True)
    name_kana = models.CharField(
        _("group name reading (kana)"),
        max_length=200,
        validators=[kana_validator],
        help_text=_("Used to sort groups in 50-sound order, e.g. まちづくりきょうぎかい."),
    )
    slug = models.SlugField(_("web address name"), max_length=80, unique=True)
    fields = models.ManyToManyField(
        ActivityField, verbose_name=_("activity fields"), related_name="groups", blank=True
    )
    areas = models.ManyToManyField(
        Area, verbose_name=_("activity areas"), related_name="groups", blank=True
    )
    summary = models.CharField(_("short introduction"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo or photo"), upload_to="groups/logos/", blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    meeting_frequency = models.CharField(_("how often it meets"), max_length=100, blank=True)
    looking_for = ArrayField(
        models.CharField(max_length=20, choices=LookingFor.choices),
        verbose_name=_("looking for"),
        default=list,
        blank=True,
    )
    offers = models.TextField(_("what we can offer"), max_length=1000, blank=True)
    needs = models.TextField(_("help we are looking for"), max_length=1000, blank=True)

    # Public contact (each optional).
    website = models.URLField(_("website"), blank=True)
    sns_url = models.URLField(_("social media page"), blank=True)
    public_email = models.EmailField(_("public e-mail address"), blank=True)

    # Private contact: staff only, never in public HTML, feeds or exports.
    representative_name = models.CharField(_("representative's name"), max_length=100)
    representative_phone = models.CharField(_("representative's phone"), max_length=30)
    representative_address = models.CharField(_("representative's address"), max_length=200)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    registration_number = models.CharField(
        _("registration number"), max_length=20, unique=True, null=True, blank=True
    )
    status_reason = models.TextField(_("reason (rejection, suspension, withdrawal)"), blank=True)
    profile_updated_at = models.DateTimeField(_("profile last updated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen group")
        verbose_name_plural = _("citizen groups")
        ordering = ["name_kana", "pk"]
        indexes = [
            models.Index(fields=["status", "name_kana"]),
            models.Index(fields=["registered_on"]),
            GinIndex(fields=["looking_for"], name="group_looking_for_gin"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} ({self.get_role_display()})"

    @property
    def is_representative(self) -> bool:
        return self.role == self.Role.REPRESENTATIVE
