"""News posts (お知らせ), the broadcast programme (広報番組) and the opinion box (ご意見箱)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaboration.models import Project
from core import dates
from groups.models import Group

HOME_CACHE_KEY_PREFIX = "home:"


class NewsQuerySet(models.QuerySet):
    def published(self, now=None):
        """Posts whose publish time has come (scheduled posts stay hidden until then)."""
        return self.filter(publish_at__lte=now or timezone.now())

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")


class NewsPost(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address name"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Letters, digits and hyphens. Left empty, one is made from the date."),
    )
    body = models.TextField(
        _("body"), help_text=_("Markdown: **bold**, lists, [link text](https://…), headings.")
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        db_index=True,
        help_text=_("The post appears on the site from this moment (a future time schedules it)."),
    )
    important = models.BooleanField(
        _("important"), default=False, help_text=_("Pinned at the top of the home page.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["important", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            stamp = timezone.localtime(self.publish_at or timezone.now())
            self.slug = f"{stamp:%Y%m%d}-{secrets.token_hex(3)}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.publish_at <= timezone.now()


class EpisodeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class ProgrammeEpisode(models.Model):
    """One episode of the office's PR broadcast programme, made with the city."""

    air_date = models.DateField(_("air date"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    video_url = models.URLField(
        _("video link"),
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("An https:// address of the recording (e.g. the city's video channel)."),
    )
    is_published = models.BooleanField(_("shown on the site"), default=True)
    featured_groups = models.ManyToManyField(
        Group,
        verbose_name=_("featured groups"),
        blank=True,
        related_name="programme_episodes",
        limit_choices_to={"status": Group.Status.REGISTERED},
    )
    featured_projects = models.ManyToManyField(
        Project,
        verbose_name=_("featured joint projects"),
        blank=True,
        related_name="programme_episodes",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme episode")
        verbose_name_plural = _("programme episodes")
        ordering = ["-air_date", "-pk"]

    def __str__(self) -> str:
        return f"{dates.day(self.air_date)} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programme:episode", kwargs={"pk": self.pk})

    @property
    def has_aired(self) -> bool:
        return self.air_date <= timezone.localdate()


class AppearanceRequest(models.Model):
    """A registered group asks to appear on the programme (topic, preferred month); staff
    schedule it on an episode or decline it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("appearance", "Requested")
        SCHEDULED = "scheduled", pgettext_lazy("appearance", "Scheduled")
        DECLINED = "declined", pgettext_lazy("appearance", "Declined")

    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.CASCADE,
        related_name="programme_requests",
    )
    topic = models.CharField(_("what you would like to talk about"), max_length=200)
    preferred_month = models.DateField(
        _("preferred month"), help_text=_("The first day of the month you would like.")
    )
    note = models.TextField(_("note for the office"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    episode = models.ForeignKey(
        ProgrammeEpisode,
        verbose_name=_("episode"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appearance_requests",
    )
    decline_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to appear")
        verbose_name_plural = _("requests to appear")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(episode__isnull=False),
                name="news_appearance_scheduled_has_episode",
            ),
            models.CheckConstraint(
                condition=models.Q(preferred_month__day=1),
                name="news_appearance_month_first_day",
            ),
            # One open request per group (a double click makes one, not two).
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(status="requested"),
                name="news_one_open_appearance_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group.name}: {self.topic}"


class Opinion(models.Model):
    """A comment to the office or its operating committee (ご意見箱), read by staff in the admin."""

    class Addressee(models.TextChoices):
        OFFICE = "office", _("The office")
        COMMITTEE = "committee", _("The operating committee")

    class Topic(models.TextChoices):
        FACILITIES = "facilities", _("Rooms and equipment")
        EVENTS = "events", _("Events and exchange meetings")
        WEBSITE = "website", _("Website and newsletter")
        SUPPORT = "support", _("Support for groups")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("opinion status", "New")
        READ = "read", pgettext_lazy("opinion status", "Read")
        ANSWERED = "answered", pgettext_lazy("opinion status", "Answered")
        CLOSED = "closed", pgettext_lazy("opinion status", "Closed")

    addressed_to = models.CharField(
        _("addressed to"), max_length=20, choices=Addressee.choices, default=Addressee.OFFICE
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    message = models.TextField(_("your opinion"), max_length=4000)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    wants_reply = models.BooleanField(_("would like a reply"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    staff_note = models.TextField(_("staff note"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinion box")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{dates.day(self.created_at)} {self.get_topic_display()}"
