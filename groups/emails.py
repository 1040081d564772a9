"""E-mails the groups app sends: rendered in the office's language, sent after the commit.

Each message has two templates, ``groups/email/<name>_subject.txt`` and
``groups/email/<name>.txt``. Sending waits for the surrounding transaction to commit, so a
rolled-back action never mails anyone, and a mail server that is down never undoes an action
(``robust=True`` logs the failure instead).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.links import absolute_url

logger = logging.getLogger(__name__)

# Mails with a one-time link: the mail log keeps their subject only (maillog).
SECRET_MAILS = frozenset({"invitation"})


def render_message(name: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL, "office_email": settings.OFFICE_EMAIL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"groups/email/{name}_subject.txt", context).split())
        body = render_to_string(f"groups/email/{name}.txt", context)
        # The prefix is lazy ([まちづくり協働オフィス] / [Kyodo Office]): make it in the mail's
        # language too, not in the language of whoever's request sent the mail.
        prefix = str(getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", ""))
    return f"{prefix}{subject}", body


def send_after_commit(
    name: str, *, to: list[str], context: dict, reply_to: list[str] | None = None
) -> None:
    """Render now (inside the transaction, with its data) and send once it has committed."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        logger.info("groups mail %s: no recipients", name)
        return
    subject, body = render_message(name, context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=reply_to or None,
        headers={
            "X-Kyodo-Kind": "groups",
            **({"X-Kyodo-Secret": "1"} if name in SECRET_MAILS else {}),
        },
    )
    transaction.on_commit(message.send, robust=True)


def group_url(group) -> str:
    return absolute_url(group.get_absolute_url())


def account_url() -> str:
    return absolute_url(reverse("my_account"))
