from allauth.account.adapter import DefaultAccountAdapter

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

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mails, marked for the mail log (maillog/backends.py)."""
        headers = {**(headers or {}), "X-Kyodo-Kind": "accounts"}
        if template_prefix not in NOT_SECRET_MAILS:
            headers["X-Kyodo-Secret"] = "1"
        return super().render_mail(template_prefix, email, context, headers=headers)
