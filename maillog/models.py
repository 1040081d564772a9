"""The mail log: every mail the portal handed to the mail server, one row per recipient.

A mail's subject and bodies are kept once (``MailMessage``, keyed by a hash of its content), so
a newsletter issue to 300 readers stores one body and 300 ``SentMail`` rows. A mail that carried
a secret (a sign-in code, a password-reset or confirmation link) keeps its subject only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

# What a mail is about, by the app that sent it (see maillog.capture.sender_kind).
KIND_LABELS = {
    "accounts": _("Account"),
    "facilities": _("Bookings"),
    "events": _("Events"),
    "groups": _("Groups"),
    "newsletter": _("Newsletter"),
    "bulletin": _("Bulletin board"),
    "news": _("Office news"),
    "programme": _("Broadcast programme"),
    "collaboration": _("Collaboration"),
    "error_report": _("Error report"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, _("Other")))


class MailMessage(models.Model):
    """The content of one distinct mail, shared by all its recipients."""

    digest = models.CharField(_("content hash"), max_length=64, unique=True)
    subject = models.TextField(_("subject"))
    text = models.TextField(_("mail text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    secret = models.BooleanField(
        _("carried a secret"),
        default=False,
        help_text=_("A sign-in code or one-time link: only the subject is kept."),
    )
    created_at = models.DateTimeField(_("first sent"), default=timezone.now)

    class Meta:
        verbose_name = _("mail content")
        verbose_name_plural = _("mail contents")

    def __str__(self) -> str:
        return self.subject

    @property
    def readable_text(self) -> str:
        """The text part, or the HTML part without its tags."""
        if self.text:
            return self.text
        return strip_tags(self.html).strip()


class SentMail(models.Model):
    """One recipient of one mail: who got what, when."""

    class Field(models.TextChoices):
        TO = "to", "To"
        CC = "cc", "Cc"
        BCC = "bcc", "Bcc"

    message = models.ForeignKey(
        MailMessage, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("mail")
    )
    address = models.EmailField(_("e-mail address"), max_length=254)
    field = models.CharField(_("sent as"), max_length=3, choices=Field.choices, default=Field.TO)
    # No index of its own: an index or constraint in Meta leads with it (issue #20).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="received_mails",
        verbose_name=_("account"),
        help_text=_("The account whose verified address this is; empty when none."),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("mail log")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-sent_at", "-id"], name="maillog_account_newest"),
            models.Index(fields=["address"], name="maillog_address"),
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.message.subject}"

    def get_absolute_url(self) -> str:
        return reverse("maillog:detail", kwargs={"pk": self.pk})

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)
