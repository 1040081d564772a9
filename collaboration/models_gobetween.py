"""The go-between's record (媒介役): a consultation referred to a partner or a group, or one
registered group introduced to another (or to a partner) from the partner suggestions; each with
a follow-up date, the staff member who follows it up and what came of it.

Reports contract (kpis compose these later; keep the names): ``Introduction.kind``
(``referral`` for a consultation referred, ``suggestion`` for an introduction from the partner
suggestions), ``Introduction.made_on``, ``Introduction.outcome``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from collaboration.models import Partner
from core import dates
from groups.models import Consultation, Group

__all__ = ["Introduction", "IntroductionQuerySet"]


class IntroductionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(outcome=Introduction.Outcome.PENDING)

    def due(self, today=None):
        """Pending, with a follow-up date that has come."""
        return self.pending().filter(follow_up_on__lte=today or timezone.localdate())

    def with_parties(self):
        return self.select_related(
            "consultation__group", "from_group", "to_group", "partner", "assignee"
        )


class Introduction(models.Model):
    """A referral (a consultation passed on) or an introduction (A introduced to B on a date)."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Consultation referred")
        SUGGESTION = "suggestion", _("Introduction from the partner suggestions")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("introduction outcome", "Pending")
        CONNECTED = "connected", pgettext_lazy("introduction outcome", "Connected")
        NO_RESULT = "no_result", pgettext_lazy("introduction outcome", "No result")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    from_group = models.ForeignKey(
        Group,
        verbose_name=_("introduced group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    to_group = models.ForeignKey(
        Group,
        verbose_name=_("to the group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("to the partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introductions",
    )
    made_on = models.DateField(_("introduced on"), default=timezone.localdate)
    note = models.TextField(
        pgettext_lazy("introduction", "why and how"), max_length=2000, blank=True
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed up by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True},
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_note = models.TextField(_("what came of it"), max_length=2000, blank=True)
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        verbose_name = _("introduction or referral")
        verbose_name_plural = _("introductions and referrals")
        ordering = ["-made_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & Q(to_group__isnull=True))
                | (Q(partner__isnull=True) & Q(to_group__isnull=False)),
                name="collaboration_introduction_one_target",
            ),
            models.CheckConstraint(
                condition=(Q(kind="referral") & Q(consultation__isnull=False))
                | (Q(kind="suggestion") & Q(from_group__isnull=False)),
                name="collaboration_introduction_source_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(from_group__isnull=True)
                | Q(to_group__isnull=True)
                | ~Q(from_group=F("to_group")),
                name="collaboration_introduction_not_to_itself",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("made_on")),
                name="collaboration_introduction_follow_up_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_label} → {self.target_label} ({dates.day(self.made_on)})"

    @property
    def source_label(self) -> str:
        if self.from_group_id:
            return self.from_group.name
        if self.consultation_id:
            consultation = self.consultation
            return consultation.group.name if consultation.group_id else consultation.person_name
        return "—"

    @property
    def target(self):
        return self.to_group if self.to_group_id else self.partner

    @property
    def target_label(self) -> str:
        target = self.target
        return str(target) if target is not None else "—"

    @property
    def is_pending(self) -> bool:
        return self.outcome == self.Outcome.PENDING

    def is_due(self, today=None) -> bool:
        return (
            self.is_pending
            and self.follow_up_on is not None
            and self.follow_up_on <= (today or timezone.localdate())
        )
