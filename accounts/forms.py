from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import clean_phone


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    # allauth's SignupForm honours this order: the consent last, just above the button.
    field_order = ["email", "full_name", "password1", "password2", "agree"]

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("Shown to the office staff and, when you act for a group, to its members."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agree = forms.BooleanField(
        label=_("I agree to the terms of use and the handling of personal information"),
        error_messages={
            "required": _(
                "To create an account, read the terms of use and the privacy policy and tick "
                "the box."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agree"].help_text = format_html(
            # List items: each link is a 44 px tap target (site.css: main li > a).
            '<ul><li><a href="{}">{}</a></li><li><a href="{}">{}</a></li></ul>',
            reverse("pages:terms"),
            gettext("Terms of use"),
            reverse("pages:privacy"),
            gettext("Privacy policy"),
        )

    def signup(self, request, user):
        # Imported here: it breaks the accounts ↔ pages cycle (pages reads accounts.roles and sits
        # above accounts); the layers contract lets this one import through (pyproject.toml).
        from pages.services import consent_to_current

        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        # The versions of the terms and privacy policy published at this moment (pages app).
        consent_to_current(user=user)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    full_name_kana = forms.CharField(label=_("Name (kana)"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class AccountCloseForm(forms.Form):
    """Closing one's own account: the password says it is really the person (a phone left
    signed in on a shared computer is not enough)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("The password you sign in with."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is not correct. Nothing was changed."), code="wrong_password"
            )
        return password
