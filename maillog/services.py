"""Writes of the mail log: one function, called by the e-mail backend after each delivery."""

from __future__ import annotations

import hashlib
import json
from email.utils import getaddresses

from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from maillog.models import MailMessage, SentMail
from maillog.redact import redact


def _bodies(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of ``message``."""
    text = html = ""
    if getattr(message, "content_subtype", "plain") == "html":
        html = str(message.body or "")
    else:
        text = str(message.body or "")
    for alternative in getattr(message, "alternatives", None) or []:
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html" and not html:
            html = content.decode() if isinstance(content, bytes) else str(content)
    return text, html


def _recipients(message: EmailMessage) -> list[tuple[str, str]]:
    """(field, lower-cased address) of each recipient, each address once."""
    seen: set[str] = set()
    found = []
    for field in (SentMail.Field.TO, SentMail.Field.CC, SentMail.Field.BCC):
        values = [str(value) for value in getattr(message, field, None) or []]
        for _name, address in getaddresses(values):
            address = address.strip().lower()
            if address and address not in seen:
                seen.add(address)
                found.append((field, address))
    return found


def _accounts(addresses: list[str]) -> dict[str, int]:
    """{address: user id} for the verified addresses among ``addresses``."""
    rows = (
        EmailAddress.objects.filter(verified=True, user__is_active=True)
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
        .order_by("pk")
        .values_list("address", "user_id")
    )
    accounts: dict[str, int] = {}
    for address, user_id in rows:
        accounts.setdefault(address, user_id)
    return accounts


@transaction.atomic
def sent_mail_record(
    *, message: EmailMessage, kind: str, secret: bool, sent_at=None
) -> list[SentMail]:
    """Record that ``message`` was handed to the mail server: its content once, and one row per
    recipient (with the account of a verified address). A secret mail keeps its subject only;
    links with tokens never reach the database (maillog.redact)."""
    recipients = _recipients(message)
    if not recipients:
        return []
    subject = " ".join(str(message.subject or "").split())
    text, html = ("", "") if secret else (redact(part) for part in _bodies(message))
    digest = hashlib.sha256(
        json.dumps([secret, subject, text, html], ensure_ascii=False).encode()
    ).hexdigest()
    content, _created = MailMessage.objects.get_or_create(
        digest=digest, defaults={"subject": subject, "text": text, "html": html, "secret": secret}
    )
    accounts = _accounts([address for _field, address in recipients])
    when = sent_at or timezone.now()
    return SentMail.objects.bulk_create(
        [
            SentMail(
                message=content,
                address=address,
                field=field,
                account_id=accounts.get(address),
                kind=kind[:40],
                sent_at=when,
            )
            for field, address in recipients
        ]
    )
