"""What changes the news app: the opinion box (news posts and episodes are edited in the admin)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import log_action
from news.models import Opinion


def opinion_submit(
    *,
    actor,
    addressed_to: str,
    topic: str,
    message: str,
    name: str = "",
    email: str = "",
    wants_reply: bool = False,
) -> Opinion:
    """Store an opinion for staff and tell the office's inbox (without the sender's details)."""
    with transaction.atomic():
        opinion = Opinion.objects.create(
            addressed_to=addressed_to,
            topic=topic,
            message=message,
            name=name,
            email=email,
            wants_reply=wants_reply,
            user=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action(actor=actor, action="opinion.submit", target=opinion)
        url = f"{settings.SITE_URL}{reverse('admin:news_opinion_change', args=[opinion.pk])}"
        transaction.on_commit(
            lambda: send_mail(
                _("[Opinion box] A new opinion was received"),
                f"{opinion.get_addressed_to_display()} / {opinion.get_topic_display()}\n\n{url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [settings.OFFICE_EMAIL],
                fail_silently=True,
            )
        )
    return opinion
