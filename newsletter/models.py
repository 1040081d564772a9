"""Newsletter issues (情報紙), their e-mail subscribers and per-recipient deliveries.

Reports contract (the reports app counts per fiscal year in SQL; keep these names):

- ``NewsletterIssue.published_on`` (date): the issue's publication date. Count published issues
  with ``status='published'``; a draft may already carry a planned date.
- ``Subscriber.confirmed_at`` / ``Subscriber.unsubscribed_at`` (datetimes, null when not yet):
  a subscriber counts from confirmation until unsubscription; ``bounced_at`` marks addresses
  suppressed after a hard bounce.
- ``Delivery`` (one row per issue and subscriber): ``status`` (``sent`` / ``failed`` / ...)
  and ``sent_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import dates
from core.uploads import private_storage
from events.models import Event
from groups.models import ActivityField, Group


class IssueQuerySet(models.QuerySet):
    def published(self, today=None):
        """Issues the public may read: published, and their publication date has come."""
        return self.filter(
            status=NewsletterIssue.Status.PUBLISHED,
            published_on__lte=today or timezone.localdate(),
        )


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    number = models.PositiveIntegerField(_("issue number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A published issue appears on the site from this day."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("body"), help_text=_("Markdown: **bold**, lists, [link text](https://…), headings.")
    )
    cover = models.ImageField(_("cover image"), upload_to="newsletter/covers/", blank=True)
    pdf = models.FileField(_("PDF of the printed edition"), upload_to="newsletter/pdf/", blank=True)
    test_sent_at = models.DateTimeField(_("last test send"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False),
                name="newsletter_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return _("No. %(number)s %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("newsletter:detail", kwargs={"number": self.number})

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_on is not None
            and self.published_on <= timezone.localdate()
        )


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Confirmed, not unsubscribed, not suppressed after a bounce."""
        return self.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, bounced_at__isnull=True
        )

    def interested_in(self, fields):
        """Subscribers who chose none of the fields (they get everything) or any of ``fields``."""
        ids = [f.pk for f in fields]
        if not ids:
            return self
        return self.filter(Q(interests__isnull=True) | Q(interests__in=ids)).distinct()


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    interests = models.ManyToManyField(
        ActivityField,
        verbose_name=_("interests"),
        blank=True,
        related_name="newsletter_subscribers",
        help_text=_("None chosen: every issue."),
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, db_index=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True, db_index=True)
    bounced_at = models.DateTimeField(_("suppressed after a bounce"), null=True, blank=True)
    # Bumped at each (re)subscription: confirmation links of an earlier round stop working.
    token_version = models.PositiveIntegerField(default=1, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_receiving(self) -> bool:
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.bounced_at)


class SendRun(models.Model):
    """One "send" of an issue by staff: its audience, and the background job that works it."""

    issue = models.ForeignKey(
        NewsletterIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="runs"
    )
    fields = models.ManyToManyField(
        ActivityField,
        verbose_name=_("only subscribers interested in"),
        blank=True,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("new recipients"), default=0)
    job_id = models.BigIntegerField(_("background job"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("send")
        verbose_name_plural = _("sends")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.issue} – {dates.day_time(self.created_at)}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CLAIMED = "claimed", _("In a batch")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class DeliveryState(models.Model):
    """What the batched sender (newsletter/sending.py) keeps per recipient of one mail-out.

    ``pending`` → ``claimed`` (taken by a worker's batch) → ``sending`` (handed to the mail
    server) → ``sent`` or ``failed``. After a crash, ``claimed`` rows go back to ``pending``
    and ``sending`` rows become ``failed`` (the outcome is unknown: not sending again is the
    safe side). ``skipped``: the address stopped receiving before its turn came.
    """

    Status = DeliveryStatus

    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    message_id = models.CharField(_("message ID"), max_length=255, blank=True)

    class Meta:
        abstract = True


class Delivery(DeliveryState):
    """One issue to one subscriber: at most one row, so nobody gets the same issue twice."""

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    issue = models.ForeignKey(
        NewsletterIssue,
        verbose_name=_("issue"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    run = models.ForeignKey(
        SendRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="delivery_once_per_issue_and_subscriber"
            )
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"


class BounceQuerySet(models.QuerySet):
    def suppressing(self, emails) -> set[str]:
        """Those of ``emails`` that a hard bounce suppresses (not lifted by staff since)."""
        from core.personal_data import suppressed_address

        emails = [e.strip().lower() for e in emails]
        if not emails:
            return set()
        # Past its retention period a bounce keeps only a keyed hash of its address.
        hashed = {suppressed_address(e): e for e in emails}
        found = self.filter(
            email__in=[*emails, *hashed], hard=True, lifted_at__isnull=True
        ).values_list("email", flat=True)
        return {hashed.get(e, e) for e in found}


class Bounce(models.Model):
    """A bounce or complaint reported by the mail provider's webhook (django-anymail).

    A hard bounce suppresses its address for every mail-out: the newsletter (the subscriber's
    ``bounced_at``) and the office's messages (``Bounce.objects.suppressing``), until staff
    lift it.
    """

    email = models.EmailField(_("e-mail address"), db_index=True)
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bounces",
    )
    provider = models.CharField(pgettext_lazy("e-mail delivery", "provider"), max_length=40)
    event_type = models.CharField(_("event"), max_length=30)
    reject_reason = models.CharField(_("reason"), max_length=30, blank=True)
    hard = models.BooleanField(_("permanent"), default=False)
    description = models.TextField(_("description"), blank=True)
    event_id = models.CharField(_("event ID"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    lifted_at = models.DateTimeField(
        _("suppression lifted"),
        null=True,
        blank=True,
        help_text=_("Staff lifted the suppression: the address receives mail again."),
    )

    objects = BounceQuerySet.as_manager()

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"],
                condition=~Q(event_id=""),
                name="bounce_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.event_type})"


# --- Messages from the office (お知らせメール) ------------------------------------------------


def get_private_storage():
    """Attachments are sent by mail, never served: they stay outside MEDIA_ROOT."""
    return private_storage


class OfficeMessage(models.Model):
    """A service message from the office to a segment of people (not the newsletter: nobody
    subscribes, and every mail says why its reader got it).

    ``segment`` is what staff chose (see newsletter/segments.py); ``segment_at_send`` keeps the
    segment as it was resolved when the message was sent (its parts in words, the fiscal year
    it meant, the number of addresses), and the ``OfficeMessageDelivery`` rows its recipients.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", pgettext_lazy("office message", "Sending")
        SENT = "sent", pgettext_lazy("office message", "Sent")

    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(
        _("body"), help_text=_("Markdown: **bold**, lists, [link text](https://…), headings.")
    )
    attachment = models.FileField(
        _("PDF attachment"),
        storage=get_private_storage,
        upload_to="newsletter/messages/",
        blank=True,
        max_length=200,
    )
    attachment_name = models.CharField(_("attachment's file name"), max_length=150, blank=True)
    segment = models.JSONField(_("recipients"), default=dict, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("about the event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="office_messages",
        help_text=_("Set for a message to one event's registrants."),
    )
    copy_to_office = models.BooleanField(_("a copy to the office"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    test_sent_at = models.DateTimeField(_("last test send"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    segment_at_send = models.JSONField(_("recipients when sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    job_id = models.BigIntegerField(_("background job"), null=True, blank=True)
    groups_reached = models.ManyToManyField(
        Group,
        through="OfficeMessageGroup",
        verbose_name=_("groups reached"),
        blank=True,
        related_name="office_messages",
    )

    class Meta:
        verbose_name = _("message from the office")
        verbose_name_plural = _("messages from the office")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def test_is_current(self) -> bool:
        return bool(self.test_sent_at and self.test_sent_at >= self.updated_at)


class OfficeMessageGroup(models.Model):
    """A registered group whose representatives or members the message reached (for the
    group's own history in the admin)."""

    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    message = models.ForeignKey(
        OfficeMessage, on_delete=models.CASCADE, related_name="group_links", db_index=False
    )
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("citizen group", "group"),
        on_delete=models.CASCADE,
        related_name="office_message_links",
    )

    class Meta:
        verbose_name = _("message received")
        verbose_name_plural = _("messages from the office received")
        constraints = [
            models.UniqueConstraint(fields=["message", "group"], name="office_message_group_once")
        ]

    def __str__(self) -> str:
        return str(self.message)


class OfficeMessageDelivery(DeliveryState):
    """One office message to one address: unique, so nobody gets the same message twice."""

    # Not "message": the delivery's ``message_id`` is the mail's Message-ID (DeliveryState).
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    office_message = models.ForeignKey(
        OfficeMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=150, blank=True)
    reason = models.CharField(_("why they receive it"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        ordering = ["office_message", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office_message", "email"],
                name="office_message_delivery_once_per_address",
            )
        ]
        indexes = [models.Index(fields=["office_message", "status"])]

    def __str__(self) -> str:
        return f"{self.office_message_id} → {self.email}: {self.status}"
