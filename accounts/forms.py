from django import forms
from django.utils.translation import gettext_lazy as _


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        help_text=_("Shown to the office staff and, when you act for a group, to its members."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    full_name_kana = forms.CharField(label=_("Name (kana)"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
