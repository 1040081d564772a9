"""The personal data the mail log holds (see core/personal_data.py).

The mail log counts in no figure: past its retention period a recipient's row is deleted, and a
mail's content with it once nobody's row refers to it. Messages people send to a group through
its contact form are relayed by mail only; their text stays in the log's copy of the mail, which
the ``contact_messages`` period empties sooner (the subject becomes a neutral label)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.personal_data import BLANK, Holding, Label, register
from maillog.models import MailMessage, SentMail


def _delete_sent(queryset) -> int:
    messages = set(queryset.values_list("message_id", flat=True))
    deleted = SentMail.objects.filter(pk__in=queryset.values("pk")).delete()[0]
    MailMessage.objects.filter(pk__in=messages).exclude(
        Exists(SentMail.objects.filter(message=OuterRef("pk")))
    ).delete()
    return deleted


def _contact_subject_q() -> Q:
    """Subjects of the groups' contact-form mails (the relayed message and the sender's copy),
    in every language: the literal part of each subject's wording."""
    from django.conf import settings

    q = Q(pk__in=[])
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for wording in (
                gettext("Message for %(name)s: %(subject)s"),
                gettext("Copy of your message to %(name)s: %(subject)s"),
            ):
                parts = [
                    p.strip() for p in wording.replace("%(subject)s", "%(name)s").split("%(name)s")
                ]
                literal = max(parts, key=len)
                if literal:
                    q |= Q(subject__contains=literal)
    return q


def _contact_messages():
    return MailMessage.objects.filter(_contact_subject_q(), deliveries__kind="groups").distinct()


register(
    Holding(
        key="maillog.sent_mail",
        model="maillog.SentMail",
        fields=("address", "account"),
        what=_("The mail log: which mail the portal sent to which address, and when"),
        why=_("To answer 'did the mail arrive?' and to find mistakes in sending"),
        who_sees=_("The office staff"),
        retention="mail_log",
        of_person=lambda p: SentMail.objects.filter(
            p.email_q("address") | (Q(account_id=p.user_id) if p.user else Q(pk__in=[]))
        ),
        pending=Q(),
        anonymise=_delete_sent,
        expired=lambda cutoff: SentMail.objects.filter(sent_at__lt=cutoff),
    ),
    Holding(
        key="maillog.contact_message",
        model="maillog.MailMessage",
        fields=("subject", "text", "html"),
        what=_("Messages sent to a group through its contact form (the mail log's copy)"),
        why=_("To answer a question about a message that did not arrive"),
        who_sees=_("The office staff"),
        retention="contact_messages",
        of_person=lambda p: _contact_messages().filter(
            Q(deliveries__address__in=list(p.emails))
            | Q(*[Q(text__icontains=e) for e in p.emails], _connector=Q.OR)
            if p.emails
            else Q(pk__in=[])
        ),
        replace={
            "subject": Label(_("(a message through a contact form, erased)")),
            "text": BLANK,
            "html": BLANK,
        },
        expired=lambda cutoff: _contact_messages().filter(created_at__lt=cutoff),
    ),
)


def _naming(person):
    """Mails to others that name the person (a group's representatives told that they joined,
    the new representative told who handed the role over): by the account's name."""
    name = (getattr(person.user, "full_name", "") or "").strip()
    if len(name) < 2:
        return MailMessage.objects.none()
    return MailMessage.objects.filter(
        Q(subject__icontains=name) | Q(text__icontains=name) | Q(html__icontains=name)
    )


# Erased when the person leaves or asks (no retention of its own: the mail log's period applies).
register(
    Holding(
        key="maillog.named_in_mail",
        model="maillog.MailMessage",
        fields=("subject", "text", "html"),
        what=_("Mails to other people that name you (e.g. to a group when you joined it)"),
        why=_("To answer 'did the mail arrive?' and to find mistakes in sending"),
        who_sees=_("The office staff"),
        of_person=_naming,
        replace={
            "subject": Label(_("(a mail that named a person, erased)")),
            "text": BLANK,
            "html": BLANK,
        },
    ),
)
