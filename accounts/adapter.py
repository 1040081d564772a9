from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from accounts.models import User

# allauth's mails that carry no code or one-time link: the mail log keeps their text. Every
# other (confirmation, password reset, sign-in code, and any new one) is kept by subject only.
NOT_SECRET_MAILS = frozenset(
    {
        "account/email/account_already_exists",
        "account/email/email_changed",
        "account/email/email_confirm",
        "account/email/email_deleted",
        "account/email/password_changed",
        "account/email/password_reset",
        "account/email/password_set",
        "account/email/unknown_account",
    }
)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.full_name = form.cleaned_data.get("full_name", "")
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's mails in the portal's own words (templates/account/email/): greeting by name,
        how long a link stays valid, and the office at the foot. The office's details come from
        the ``office_footer`` context processor (pages), with the settings as the fallback."""
        user = context.get("user")
        if user is None:
            user = self._user_with_address(email)
        reset_seconds = settings.PASSWORD_RESET_TIMEOUT
        context = {
            "recipient_name": getattr(user, "full_name", "") or "",
            "confirmation_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            "reset_days": max(1, reset_seconds // 86400),
            "portal_name": settings.PORTAL_NAME,
            "office_email": settings.OFFICE_EMAIL,
            "site_url": settings.SITE_URL,
            **context,
        }
        super().send_mail(template_prefix, email, context)

    @staticmethod
    def _user_with_address(email):
        return User.objects.filter(email__iexact=email).only("full_name").first()

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mails, marked for the mail log (maillog/backends.py)."""
        headers = {**(headers or {}), "X-Kyodo-Kind": "accounts"}
        if template_prefix not in NOT_SECRET_MAILS:
            headers["X-Kyodo-Secret"] = "1"
        return super().render_mail(template_prefix, email, context, headers=headers)
