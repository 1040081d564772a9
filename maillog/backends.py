"""The portal's e-mail backend: every mail goes through it (``EMAIL_BACKEND``), is handed to the
real backend (``MAILLOG_INNER_BACKEND``: SMTP, the mail provider's, or locmem in tests) and, once
that accepted it, is written to the mail log, so each person can read their mails again on My
Page.

Senders may mark a message with two headers, which are removed before it leaves:

``X-Kyodo-Kind``
    what the mail is about (an app label such as ``"events"``); by default the app whose code
    sent it (``capture.sender_kind``).
``X-Kyodo-Secret: 1``
    the mail carries a secret (a sign-in code, a password-reset, confirmation or invitation
    link): only its subject is kept. Error reports to ``ADMINS`` are always secret.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from maillog import capture, services

logger = logging.getLogger(__name__)

KIND_HEADER = "X-Kyodo-Kind"
SECRET_HEADER = "X-Kyodo-Secret"


def _take_marks(message) -> dict[str, str]:
    """Remove the portal's own headers from ``message`` (they never leave) and return them."""
    headers = message.extra_headers
    marks = {}
    for name in list(headers):
        if name.lower() in (KIND_HEADER.lower(), SECRET_HEADER.lower()):
            marks[name] = headers.pop(name)
    return marks


def _mark(marks: dict[str, str], header: str) -> str:
    return next((str(v) for k, v in marks.items() if k.lower() == header.lower()), "")


class LoggingEmailBackend(BaseEmailBackend):
    """Sends through ``settings.MAILLOG_INNER_BACKEND`` and logs what was sent."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        inner = getattr(settings, "MAILLOG_INNER_BACKEND", None)
        if not inner or inner.endswith(".LoggingEmailBackend"):
            inner = "django.core.mail.backends.smtp.EmailBackend"
        self.inner = get_connection(inner, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        default_kind, always_secret = capture.sender_kind()
        opened = self.inner.open()
        sent = 0
        try:
            for message in email_messages:
                marks = _take_marks(message)
                try:
                    delivered = self.inner.send_messages([message])
                finally:
                    message.extra_headers.update(marks)
                if not delivered:
                    continue
                sent += delivered
                kind = _mark(marks, KIND_HEADER).strip() or default_kind
                secret = always_secret or _mark(marks, SECRET_HEADER).strip() not in ("", "0")
                self._record(message, kind=kind, secret=secret)
        finally:
            if opened:
                self.inner.close()
        return sent

    @staticmethod
    def _record(message, *, kind: str, secret: bool) -> None:
        # The mail has left: a failing log must not make its sender think it did not (a retry
        # would send it twice). The savepoint keeps a surrounding transaction usable.
        try:
            services.sent_mail_record(message=message, kind=kind, secret=secret)
        except Exception:
            logger.exception("could not log the mail %r", getattr(message, "subject", ""))
