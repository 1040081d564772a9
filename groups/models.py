"""Citizen groups (登録団体), their activity fields and areas, and who acts for them.

Also what belongs to a group: its registration documents (staff only, private storage), yearly
renewals, invitations, activity records with photos, and the office's consultation log.
"""

import datetime as dt
import secrets
import unicodedata

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import dates
from core.uploads import private_storage

# Kana readings: hiragana or katakana, the long-vowel mark, spaces and a few separators.
kana_validator = RegexValidator(
    r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe\u3000 ・ー－\-"
    r"0-9０-９A-Za-zＡ-Ｚａ-ｚ]+$",
    _("Enter the reading in hiragana or katakana."),
    code="kana",
)


# Paths under /groups/ that are not group pages: no group may take these as its slug.
RESERVED_SLUGS = frozenset(
    {"apply", "activities", "invitations", "documents", "partners", "export", "new", "admin"}
)


def to_hiragana(text: str) -> str:
    """Normalise a kana reading: NFKC (half-width → full-width), katakana → hiragana, one space.

    Sorting by the stored reading then gives 50-sound order whichever script people typed.
    """
    text = unicodedata.normalize("NFKC", text or "")
    chars = []
    for ch in text:
        code = ord(ch)
        # ァ (U+30A1) … ヶ (U+30F6) map to ぁ … ゖ; ヽヾ to ゝゞ. ー stays.
        if 0x30A1 <= code <= 0x30F6 or code in (0x30FD, 0x30FE):
            ch = chr(code - 0x60)
        chars.append(ch)
    return " ".join("".join(chars).split())


def normalize_text(text: str) -> str:
    """Free text as stored: NFKC-normalised (full-width Latin letters and digits to ASCII,
    half-width katakana to full-width), line breaks kept.

    Search queries and partner-search phrases go through the same normalisation, so ＮＰＯ, NPO,
    ｶﾌｪ and カフェ all meet the stored text.
    """
    return unicodedata.normalize("NFKC", text or "")


def normalize_name(text: str) -> str:
    """A group name (or a one-line search query) as stored: normalize_text, single spaces."""
    return " ".join(normalize_text(text).split())


def get_private_storage():
    """Callable storage, so migrations refer to it by name (see core.uploads)."""
    return private_storage


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

    def search(self, query: str):
        """Japanese substring search over name, kana, introduction and description.

        ``icontains`` becomes ``UPPER(col::text) LIKE UPPER('%…%')``, which the trigram GIN
        indexes on ``UPPER(col)`` serve; katakana in the query also finds hiragana readings.
        The query is NFKC-normalised as the stored text is (Group.normalize_text_fields).
        """
        query = normalize_name(query)
        if not query:
            return self
        condition = (
            Q(name__icontains=query)
            | Q(name_kana__icontains=to_hiragana(query))
            | Q(summary__icontains=query)
            | Q(description__icontains=query)
        )
        return self.filter(condition)

    def not_renewed_for(self, fiscal_year: int):
        """Registered groups without a renewal for ``fiscal_year``."""
        return self.registered().exclude(renewals__fiscal_year=fiscal_year)


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
        # ICU's Japanese collation gives dictionary (50音) order: が after か, ー as the vowel
        # it lengthens; the database default (C.UTF-8) would sort by code point.
        db_collation="ja-x-icu",
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
    description = models.TextField(pgettext_lazy("citizen group", "description"), blank=True)
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

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
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

    eligibility_confirmed_at = models.DateTimeField(
        _("confirmed not political, religious or commercial"), null=True, blank=True
    )
    # Stale-profile flagging (see the groups_stale_flag command): first notice, reminder, and
    # when the group was put on the staff list. Editing the profile clears all three.
    stale_notified_at = models.DateTimeField(_("stale profile: notified"), null=True, blank=True)
    stale_reminded_at = models.DateTimeField(_("stale profile: reminded"), null=True, blank=True)
    stale_listed_at = models.DateTimeField(
        _("stale profile: listed for staff"), null=True, blank=True
    )
    # The application form's one-time token: a form posted twice makes one application.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Free-text fields stored NFKC-normalised, so search and partner matching find them.
    NORMALIZED_TEXT_FIELDS = ("summary", "description", "offers", "needs")

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen group")
        verbose_name_plural = _("citizen groups")
        ordering = ["name_kana", "pk"]
        indexes = [
            models.Index(fields=["status", "name_kana"]),
            models.Index(fields=["registered_on"]),
            GinIndex(fields=["looking_for"], name="group_looking_for_gin"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="group_name_trgm"),
            GinIndex(OpClass(Upper("name_kana"), name="gin_trgm_ops"), name="group_kana_trgm"),
            GinIndex(OpClass(Upper("summary"), name="gin_trgm_ops"), name="group_summary_trgm"),
            GinIndex(
                OpClass(Upper("description"), name="gin_trgm_ops"), name="group_description_trgm"
            ),
            # The directory's search (icontains) and the partner search (phrases of one group's
            # needs looked for in others' offers, pg_trgm's word similarity on UPPER(col)).
            GinIndex(OpClass(Upper("offers"), name="gin_trgm_ops"), name="group_offers_trgm"),
            GinIndex(OpClass(Upper("needs"), name="gin_trgm_ops"), name="group_needs_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    def normalize_text_fields(self) -> None:
        """Normalise name, reading and free text in place (save, form validation, demo data)."""
        self.name = normalize_name(self.name)
        self.name_kana = to_hiragana(self.name_kana)
        for name in self.NORMALIZED_TEXT_FIELDS:
            setattr(self, name, normalize_text(getattr(self, name)))

    def clean_fields(self, exclude=None):
        # Before validation, so max_length and the kana check see what will be stored.
        self.normalize_text_fields()
        super().clean_fields(exclude=exclude)

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED

    @property
    def is_public(self) -> bool:
        return self.is_registered

    @property
    def looking_for_labels(self) -> list[str]:
        labels = dict(self.LookingFor.choices)
        return [labels[value] for value in self.looking_for if value in labels]

    @property
    def profile_touched_at(self):
        """When the profile was last updated (or, failing that, when the group was registered)."""
        return self.profile_updated_at or self.created_at


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
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


class GroupApplication(Group):
    """Pending applications (仮登録) as their own admin page: the office's daily queue."""

    class Meta:
        proxy = True
        verbose_name = _("pending application")
        verbose_name_plural = _("pending applications")


class RegistrationSequence(models.Model):
    """The last registration serial handed out in a fiscal year (row-locked when allocating)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), primary_key=True)
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("registration number sequence")
        verbose_name_plural = _("registration number sequences")

    def __str__(self) -> str:
        return f"{self.fiscal_year}: {self.last_serial}"


class GroupRenewal(models.Model):
    """A representative confirmed the group's details for a fiscal year (年度更新)."""

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="renewals", db_index=False
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    note = models.TextField(_("note to the office"), blank=True)

    class Meta:
        verbose_name = _("registration renewal")
        verbose_name_plural = _("registration renewals")
        ordering = ["-fiscal_year", "group__name_kana"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "fiscal_year"], name="group_renewal_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.fiscal_year}"


def group_document_path(instance, filename: str) -> str:
    return f"groups/{instance.group_id}/{filename}"


class GroupDocument(models.Model):
    """Documents the office asks for on registration: staff only, in private storage."""

    class Kind(models.TextChoices):
        RULES = "rules", _("Rules of the group (規約)")
        OFFICERS = "officers", _("List of officers (役員名簿)")
        OTHER = "other", _("Other document")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"), storage=get_private_storage, upload_to=group_document_path, max_length=200
    )
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
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")
        ordering = ["group", "kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.group} – {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("groups:document", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if "." in self.file.name else ""


def _invitation_key() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A representative invited someone by e-mail to join the group as a member."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    key = models.CharField(max_length=64, default=_invitation_key, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    VALID_DAYS = 14

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "group",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.group}"

    @property
    def expires_at(self):
        return self.created_at + dt.timedelta(days=self.VALID_DAYS)

    @property
    def is_open(self) -> bool:
        if self.accepted_at is not None or self.revoked_at is not None:
            return False
        return timezone.now() < self.expires_at


class ActivityRecordQuerySet(models.QuerySet):
    def public(self):
        return self.filter(group__status=Group.Status.REGISTERED)

    def newest_first(self):
        return self.order_by("-held_on", "-pk")


class ActivityRecord(models.Model):
    """活動記録: a dated report of what the group did, with up to six photos."""

    MAX_PHOTOS = 6

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="activity_records", db_index=False
    )
    held_on = models.DateField(_("date of the activity"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(pgettext_lazy("activity record", "report"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["group", "-held_on"]), models.Index(fields=["-held_on"])]

    def __str__(self) -> str:
        return f"{dates.day(self.held_on)} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("groups:activity", kwargs={"slug": self.group.slug, "pk": self.pk})


class ActivityPhoto(models.Model):
    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="groups/activities/%Y/%m/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="groups/activities/thumbs/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Who uploaded it and when: each member's hourly photo budget is counted from these.
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["order", "pk"]
        indexes = [
            models.Index(fields=["uploaded_by", "uploaded_at"], name="activity_photo_uploads"),
        ]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Consultation(models.Model):
    """相談対応: one consultation the office handled (logged by staff, counted by the reports)."""

    class Channel(models.TextChoices):
        # Contexts: accounts' "Phone" (a phone number field) would otherwise win for these labels.
        VISIT = "visit", pgettext_lazy("consultation channel", "Visit")
        PHONE = "phone", pgettext_lazy("consultation channel", "Phone")
        EMAIL = "email", pgettext_lazy("consultation channel", "E-mail")
        OTHER = "other", pgettext_lazy("consultation channel", "Other")

    class Category(models.TextChoices):
        FOUNDING = "founding", _("Starting a group")
        MANAGEMENT = "management", _("Running a group")
        INCORPORATION = "incorporation", _("NPO incorporation")
        ACCOUNTING = "accounting", _("Accounting and tax")
        FUNDING = "funding", _("Grants and funding")
        PUBLICITY = "publicity", _("Publicity")
        VOLUNTEERS = "volunteers", _("Members and volunteers")
        PARTNERSHIP = "partnership", _("Partners and collaboration")
        FACILITIES = "facilities", _("Using the office")
        OTHER = "other", _("Other")

    held_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    person_name = models.CharField(
        _("person (when not a registered group)"), max_length=100, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(
        pgettext_lazy("consultation", "category"), max_length=20, choices=Category.choices
    )
    summary = models.TextField(pgettext_lazy("consultation", "summary"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(person_name=""),
                name="consultation_has_group_or_person",
            )
        ]

    def __str__(self) -> str:
        who = self.group.name if self.group_id else self.person_name
        return f"{dates.day(self.held_on)} {who} ({self.get_category_display()})"
