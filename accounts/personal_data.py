"""The personal data the accounts app holds (see core/personal_data.py)."""

from allauth.account.models import EmailAddress
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.personal_data import BLANK, Holding, Label, register

# What a closed account's address becomes: unique, never deliverable (.invalid, RFC 2606), so the
# address itself can register again as a new account.
CLOSED_DOMAIN = "closed.invalid"
CLOSED_LABEL = Label(pgettext_lazy("account", "Former user"))

ACCOUNT_REPLACE = {
    "email": Concat(Value("closed-"), Cast("pk", CharField()), Value(f"@{CLOSED_DOMAIN}")),
    "full_name": CLOSED_LABEL,
    "full_name_kana": BLANK,
    "phone": BLANK,
    "is_active": False,
    # Django's unusable-password prefix: no password opens the account again.
    "password": Value("!closed"),
}
ACCOUNT_PENDING = ~Q(email__endswith=f"@{CLOSED_DOMAIN}")


def is_closed(user) -> bool:
    """The account was closed (anonymised) by the person, the office or the retention job."""
    return bool(user.email) and user.email.endswith(f"@{CLOSED_DOMAIN}")


def _unconfirmed(cutoff):
    """Sign-ups (an address waiting for confirmation, none confirmed) that never signed in and
    hold no role: an account the office made for an official, say, is not one of them."""
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(
            date_joined__lt=cutoff, is_staff=False, is_superuser=False, last_login__isnull=True
        )
        .filter(Exists(addresses.filter(verified=False)))
        .exclude(Exists(addresses.filter(verified=True)))
        .exclude(groups__isnull=False)
    )


def _anonymise_accounts(queryset) -> int:
    pks = list(queryset.values_list("pk", flat=True))
    EmailAddress.objects.filter(user_id__in=pks).delete()
    values = {k: (v.value() if isinstance(v, Label) else v) for k, v in ACCOUNT_REPLACE.items()}
    if any(f.name == "closed_at" for f in User._meta.concrete_fields):
        values["closed_at"] = timezone.now()  # accounts' own mark of a closed account
    return User.objects.filter(pk__in=pks).update(**values)


register(
    Holding(
        key="accounts.account",
        model="accounts.User",
        fields=("email", "full_name", "full_name_kana", "phone"),
        what=_("Your account: e-mail address, name, name in kana, phone"),
        why=_("To sign you in, and for the office to reach you about your bookings and group"),
        who_sees=_("You and the office staff; your name is shown to the groups you belong to"),
        retention=None,
        of_person=lambda p: User.objects.filter(pk=p.user_id) if p.user else User.objects.none(),
        replace=ACCOUNT_REPLACE,
        pending=ACCOUNT_PENDING,
        anonymise=_anonymise_accounts,
        order=1000,
    ),
    Holding(
        key="accounts.unconfirmed_signup",
        model="accounts.User",
        fields=("email", "full_name", "full_name_kana", "phone"),
        what=_("Sign-ups whose e-mail address was never confirmed"),
        why=_("To finish the sign-up when the confirmation link is opened"),
        who_sees=_("The office staff"),
        retention="unconfirmed_signups",
        of_person=None,
        replace=ACCOUNT_REPLACE,
        pending=ACCOUNT_PENDING,
        anonymise=_anonymise_accounts,
        expired=_unconfirmed,
        order=1000,
    ),
    Holding(
        key="accounts.email_address",
        model="account.EmailAddress",
        fields=("email",),
        what=_("Your e-mail addresses and whether each is confirmed"),
        why=_("To sign you in and send the portal's mails to a confirmed address"),
        who_sees=_("You and the office staff"),
        retention=None,
        of_person=lambda p: EmailAddress.objects.filter(Q(user_id=p.user_id) | p.email_q("email")),
        # The rows are deleted (they count in no figure): the address may register again.
        pending=Q(),
        anonymise=lambda qs: qs.delete()[0],
        order=990,
    ),
)


def _admin_log_of(person):
    """The admin's own change log (django_admin_log): entries about the account, and entries
    about other records named after the person (their name or address in the record's text)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    q = Q(pk__in=[])
    if person.user is not None:
        q |= Q(content_type=ContentType.objects.get_for_model(User), object_id=str(person.user_id))
        name = (person.user.full_name or "").strip()
        if len(name) >= 2:
            q |= Q(object_repr__icontains=name)
    for email in person.emails:
        q |= Q(object_repr__icontains=email)
    return LogEntry.objects.filter(q)


# Leaving and a person's request erase what the admin's log says of them (its entries stay:
# which record staff changed, when, which fields).
register(
    Holding(
        key="accounts.admin_log",
        model="admin.LogEntry",
        fields=("object_repr",),
        what=_("The admin's log of changes staff made to your account or your records"),
        why=_("The office's record of who changed what"),
        who_sees=_("The office staff"),
        of_person=_admin_log_of,
        replace={"object_repr": CLOSED_LABEL},
    ),
)
