"""E-mails of collaboration, sent as the groups app sends its own (groups/emails.py): written in
the office's language (the recipients' language: groups, officials and the office read Japanese)
whatever the language of the page that caused them, with the portal's subject prefix, sent after
the commit so a rolled-back action mails no one, and never silently: a mail server that is down
is logged (``robust=True``) instead of undoing the action or being ignored.

Subjects and bodies are lazy messages (``gettext_lazy``) with ``%(name)s`` placeholders; a
value that is itself lazy (a choice's label) is translated in the same language.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from core import dates
from core.links import absolute_url

logger = logging.getLogger(__name__)


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return dates.day_time(value)
    if isinstance(value, dt.date):
        return dates.day(value)
    return str(value)


def render_message(subject, body, context: dict | None = None) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        # A day reads as people write it (「2027年3月31日(水)」), in the mail's language.
        values = {key: _text(value) for key, value in (context or {}).items()}
        prefix = str(getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", ""))
        subject = f"{prefix}[{gettext('Collaboration')}] {str(subject) % values}"
        return " ".join(subject.split()), str(body) % values


def send_after_commit(*, subject, body, to: list[str], context: dict | None = None) -> None:
    """Render now (inside the transaction, with its data) and send once it has committed."""
    recipients = sorted({address for address in to if address})
    subject, body = render_message(subject, body, context)
    if not recipients:
        # A department nobody in which uses the portal: staff see it on the proposal instead.
        logger.info("collaboration mail %r: no recipients", subject)
        return
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"X-Kyodo-Kind": "collaboration"},
    )
    transaction.on_commit(message.send, robust=True)


def link(obj, url: str | None = None) -> str:
    return absolute_url(url or obj.get_absolute_url())
