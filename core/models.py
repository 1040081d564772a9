from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """A business action (approval, booking, cancellation, send...) and who took it."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    target_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


def _days(label, default: int):
    from django.core.validators import MaxValueValidator, MinValueValidator

    return models.PositiveIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(36500)],
    )


class RetentionSettings(models.Model):
    """How long each kind of personal data is kept (one row, edited in the admin, audited).

    The kinds, their defaults and what each period counts from are declared in
    ``core.personal_data.RETENTION``; the privacy policy shows these values beside its list of
    the data the portal holds. Periods are in days."""

    event_guests_days = _days(_("guests' names and e-mail addresses (days after the event)"), 365)
    accessibility_needs_days = _days(
        _("answers about accessibility needs (days after the event)"), 30
    )
    contact_messages_days = _days(_("contact-form messages (days after sending)"), 90)
    opinion_senders_days = _days(_("opinion-box senders' details (days after sending)"), 365)
    suppressed_addresses_days = _days(
        _("unsubscribed and bounced addresses (days, then only a keyed hash stays)"), 30
    )
    unconfirmed_signups_days = _days(_("unconfirmed sign-ups (days after signing up)"), 30)
    withdrawn_groups_days = _days(
        _("withdrawn groups' private contacts (days after the withdrawal)"), 365
    )
    audit_details_days = _days(
        _("personal details in the audit log (days after the action)"), 3 * 365
    )
    mail_log_days = _days(_("the mail log (days after sending)"), 365)
    partner_contacts_days = _days(
        _("contact persons of inactive partners (days after their last activity)"), 365
    )
    held_uploads_days = _days(_("files held for an unsent form (days)"), 1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention periods")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return str(_("Retention periods"))

    @classmethod
    def load(cls) -> RetentionSettings:
        obj = cls.objects.filter(pk=1).first()
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def days(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_days"))
