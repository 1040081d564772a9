"""Reads of the mail log."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from maillog.models import SentMail

RECENT = 5


def mails_for(user) -> QuerySet[SentMail]:
    """The mails ``user`` received, newest first, without their bodies (lists)."""
    return (
        SentMail.objects.filter(account=user)
        .select_related("message")
        .defer("message__text", "message__html")
        .order_by("-sent_at", "-pk")
    )


def mail_for(user, pk: int) -> SentMail:
    """One of ``user``'s mails, with its content; another person's mail is a 404."""
    return get_object_or_404(SentMail.objects.select_related("message"), pk=pk, account=user)


def recent_for(user, limit: int = RECENT) -> list[SentMail]:
    return list(mails_for(user)[:limit])


def account_panel(user) -> dict:
    """My Page's "recent mails" (one query)."""
    return {"mails": recent_for(user)}
