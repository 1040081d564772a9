"""The e-mails of the newsletter: issues (HTML + plain text, one-click unsubscribe headers),
confirmation requests, the "you are already subscribed" notice, and messages from the office
(service mails: a reason line and the office's contact details, no unsubscribe headers)."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.links import absolute_url as absolute
from core.markdown import markdown_to_text, render_markdown
from newsletter import tokens
from pages.models import OfficeDetails


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def unsubscribe_url(subscriber) -> str:
    return absolute(
        reverse("newsletter:unsubscribe", kwargs={"token": tokens.manage_token(subscriber)})
    )


def preferences_url(subscriber) -> str:
    return absolute(
        reverse("newsletter:preferences", kwargs={"token": tokens.manage_token(subscriber)})
    )


def _subject(subject: str, *, test: bool = False) -> str:
    """A subject that starts as every mail of the portal does (``ACCOUNT_EMAIL_SUBJECT_PREFIX``,
    「[まちづくり協働オフィス] 」), with a test send marked after it. The prefix is lazy: callers
    write inside ``translation.override(settings.LANGUAGE_CODE)``, so it takes the mail's
    language, not that of the page whose request sent it."""
    if test:
        subject = _("[TEST] ") + subject
    return f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"


def issue_subject(issue, *, test: bool = False) -> str:
    subject = _("Newsletter No. %(number)s %(title)s") % {
        "number": issue.number,
        "title": issue.title,
    }
    return _subject(subject, test=test)


def build_issue_message(
    issue, *, to: str, subscriber=None, test: bool = False, connection=None
) -> EmailMultiAlternatives:
    """The issue as a multipart e-mail to one address.

    Every message carries ``List-Unsubscribe`` (an https link, and mailto for old clients) and
    ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): mail programs show an
    "unsubscribe" button that POSTs to the link without opening a page.
    """
    with translation.override(settings.LANGUAGE_CODE):
        if subscriber is not None:
            unsub = unsubscribe_url(subscriber)
            prefs = preferences_url(subscriber)
        else:  # a test send to staff: the links lead to the subscription page
            unsub = prefs = absolute(reverse("newsletter:subscribe"))
        context = {
            "issue": issue,
            "body_html": render_markdown(issue.body, absolute_urls=True),
            "body_text": markdown_to_text(issue.body),
            "issue_url": absolute(issue.get_absolute_url()),
            "cover_url": absolute(issue.cover.url) if issue.cover else "",
            "pdf_url": absolute(issue.pdf.url) if issue.pdf else "",
            "unsubscribe_url": unsub,
            "preferences_url": prefs,
            "site_url": settings.SITE_URL,
            "test": test,
        }
        text = render_to_string("newsletter/email/issue.txt", context)
        html = render_to_string("newsletter/email/issue.html", context)
        subject = issue_subject(issue, test=test)
    headers = {
        "Message-ID": make_msgid("newsletter", domain=_domain()),
        "List-Id": f"Kyodo Office newsletter <newsletter.{_domain()}>",
        "List-Unsubscribe": f"<{unsub}>, <mailto:{settings.OFFICE_EMAIL}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


class MailPreview(NamedTuple):
    subject: str
    text: str
    html: str


def issue_preview(issue, *, to: str) -> MailPreview:
    """What a subscriber's mail of ``issue`` holds, for the admin's preview: the same message
    as a send builds (its links lead to the subscription page, as in a test send)."""
    message = build_issue_message(issue, to=to)
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    return MailPreview(subject=message.subject, text=message.body, html=html)


def send_confirmation(subscriber) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "confirm_url": absolute(
                reverse("newsletter:confirm", kwargs={"token": tokens.confirm_token(subscriber)})
            ),
            "site_url": settings.SITE_URL,
            "days": tokens.CONFIRM_MAX_AGE // 86400,
        }
        body = render_to_string("newsletter/email/confirm.txt", context)
        subject = _subject(_("Please confirm your newsletter subscription"))
    # The confirmation link is a secret: the mail log keeps the subject only (maillog).
    EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [subscriber.email],
        headers={"X-Kyodo-Secret": "1"},
    ).send()


def send_already_subscribed(subscriber) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "preferences_url": preferences_url(subscriber),
            "unsubscribe_url": unsubscribe_url(subscriber),
            "site_url": settings.SITE_URL,
        }
        body = render_to_string("newsletter/email/already.txt", context)
        subject = _subject(_("You are already subscribed to the newsletter"))
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [subscriber.email]).send()


# --- Messages from the office -----------------------------------------------------------------


def office_contact_line(office: OfficeDetails) -> str:
    """How to reach the office, in one line (from the office's details in the admin)."""
    parts = [office.name or _("Kyodo Office")]
    if office.phone:
        parts.append(_("phone %(phone)s") % {"phone": office.phone})
    parts.append(_("e-mail %(email)s") % {"email": office.email or settings.OFFICE_EMAIL})
    return _("To reach the office: %(details)s") % {"details": " / ".join(parts)}


def office_message_subject(message, *, test: bool = False) -> str:
    return _subject(message.subject, test=test)


def build_office_message(
    message, *, delivery=None, to: str = "", reason: str = "", test: bool = False
) -> EmailMultiAlternatives:
    """The office's message as a multipart e-mail to one address (a delivery row's, or ``to``
    with ``reason`` for a test or a preview), with its PDF attached.

    A service message: no ``List-Unsubscribe`` header (nobody subscribed); the reason line
    says why this person receives it, the contact line how to reach the office. The mail log
    shows it on the reader's My Page as office news (``X-Kyodo-Kind: news``).
    """
    if delivery is not None:
        to, reason = delivery.email, delivery.reason
    office = OfficeDetails.load()
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "message": message,
            "office": office,
            "body_html": render_markdown(message.body, absolute_urls=True),
            "body_text": markdown_to_text(message.body),
            "attachment_name": message.attachment_name if message.attachment else "",
            "reason": reason
            or _("You receive this message from the office as one of the people it serves."),
            "contact": office_contact_line(office),
            "site_url": settings.SITE_URL,
            "test": test,
        }
        text = render_to_string("newsletter/email/office_message.txt", context)
        html = render_to_string("newsletter/email/office_message.html", context)
        subject = office_message_subject(message, test=test)
    headers = {
        "Message-ID": make_msgid("office", domain=_domain()),
        "X-Kyodo-Kind": "news",
        "Auto-Submitted": "auto-generated",
    }
    mail = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[office.email or settings.OFFICE_EMAIL],
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    if message.attachment:
        with message.attachment.open("rb") as pdf:
            mail.attach(message.attachment_name or "attachment.pdf", pdf.read(), "application/pdf")
    return mail


def office_message_preview(message, *, to: str, reason: str = "") -> MailPreview:
    mail = build_office_message(message, to=to, reason=reason)
    html = next(content for content, kind in mail.alternatives if kind == "text/html")
    return MailPreview(subject=mail.subject, text=mail.body, html=html)
