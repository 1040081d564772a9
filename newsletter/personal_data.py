"""The personal data the newsletter app holds (see core/personal_data.py).

Unsubscribed and bounced addresses keep only a keyed hash (``core.personal_data.
suppressed_address``) once their retention period has passed: the rows stay (they count in the
year's subscriber figures, and a bounce keeps suppressing its address: ``Bounce.objects.
suppressing`` compares the hashed form too), the address itself is gone."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import (
    SUPPRESSED_DOMAIN,
    Holding,
    exempt,
    of_account,
    register,
    suppressed_address,
)
from newsletter.models import Bounce, OfficeMessageDelivery, Subscriber

HASHED = ~Q(email__endswith=f"@{SUPPRESSED_DOMAIN}")


def _with_hashed(person, name="email"):
    return Q(**{f"{name}__in": [suppressed_address(e) for e in person.emails]}) | person.email_q(
        name
    )


def _hash_rows(model, **also):
    def anonymise(queryset) -> int:
        done = 0
        for pk, email in queryset.filter(HASHED).values_list("pk", "email"):
            done += model.objects.filter(pk=pk).update(email=suppressed_address(email), **also)
        return done

    return anonymise


register(
    Holding(
        key="newsletter.subscriber",
        model="newsletter.Subscriber",
        fields=("email",),
        what=_("Newsletter subscribers' e-mail addresses"),
        why=_("To send the newsletter you subscribed to"),
        who_sees=_("The office staff"),
        retention="suppressed_addresses",
        of_person=lambda p: Subscriber.objects.filter(_with_hashed(p)),
        pending=HASHED,
        anonymise=_hash_rows(Subscriber),
        # Unsubscribed or suppressed after a bounce, that long ago.
        expired=lambda cutoff: Subscriber.objects.filter(
            Q(unsubscribed_at__lt=cutoff) | Q(bounced_at__lt=cutoff)
        ),
    ),
    Holding(
        key="newsletter.unconfirmed_subscriber",
        model="newsletter.Subscriber",
        fields=("email",),
        what=_("Newsletter sign-ups never confirmed"),
        why=_("To finish the subscription when the confirmation link is opened"),
        who_sees=_("The office staff"),
        retention="unconfirmed_signups",
        of_person=None,
        pending=HASHED,
        anonymise=_hash_rows(Subscriber),
        expired=lambda cutoff: Subscriber.objects.filter(
            confirmed_at__isnull=True, unsubscribed_at__isnull=True, created_at__lt=cutoff
        ),
    ),
    Holding(
        key="newsletter.bounce",
        model="newsletter.Bounce",
        fields=("email",),
        what=_("Addresses the mail server could not deliver to (bounces)"),
        why=_("So that an address that bounced is not mailed again"),
        who_sees=_("The office staff"),
        retention="suppressed_addresses",
        of_person=lambda p: Bounce.objects.filter(_with_hashed(p)),
        pending=HASHED,
        anonymise=_hash_rows(Bounce, description=""),
        expired=lambda cutoff: Bounce.objects.filter(received_at__lt=cutoff),
    ),
    Holding(
        key="newsletter.office_message_delivery",
        model="newsletter.OfficeMessageDelivery",
        fields=("email", "name", "user"),
        what=_("Who was sent each message from the office"),
        why=_("To send each message once, and to know whether it arrived"),
        who_sees=_("The office staff"),
        retention="mail_log",
        of_person=lambda p: OfficeMessageDelivery.objects.filter(
            _with_hashed(p) | (Q(user_id=p.user_id) if p.user else Q(pk__in=[]))
        ),
        pending=HASHED,
        anonymise=_hash_rows(OfficeMessageDelivery, name="", user=None),
        expired=lambda cutoff: OfficeMessageDelivery.objects.filter(
            Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, office_message__created_at__lt=cutoff)
        ),
    ),
    Holding(
        key="newsletter.staff",
        about_staff=True,
        model="newsletter.NewsletterIssue",
        fields=("created_by",),
        what=_("Newsletter issues written by office staff"),
        why=_("The office's record of who wrote an issue"),
        who_sees=_("The office staff"),
        of_person=of_account("newsletter.NewsletterIssue", "created_by"),
    ),
    Holding(
        key="newsletter.office_message",
        about_staff=True,
        model="newsletter.OfficeMessage",
        fields=("created_by", "sent_by"),
        what=_("Messages from the office written and sent by staff"),
        why=_("The office's record of who sent a message"),
        who_sees=_("The office staff"),
        of_person=of_account("newsletter.OfficeMessage", "created_by", "sent_by"),
    ),
    Holding(
        key="newsletter.send_run",
        about_staff=True,
        model="newsletter.SendRun",
        fields=("started_by",),
        what=_("Newsletter sends started by office staff"),
        why=_("The office's record of who sent an issue"),
        who_sees=_("The office staff"),
        of_person=of_account("newsletter.SendRun", "started_by"),
    ),
)

exempt("newsletter.Delivery", "message_id", why="the mail's Message-ID header")
exempt("newsletter.OfficeMessageDelivery", "message_id", why="the mail's Message-ID header")
exempt("newsletter.NewsletterIssue", "cover", "pdf", why="the office's publication")
exempt("newsletter.OfficeMessage", "attachment", "attachment_name", why="the office's attachment")
