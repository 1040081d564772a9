from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.forms import AccountCloseForm, ProfileForm
from accounts.services import (
    AccountAlreadyClosed,
    AccountCloseRefused,
    account_close,
    closing_refusals,
    user_profile_update,
)
from core import registry
from core.ratelimit import limit_hit, rate_limited
from core.viewercache import viewer_page


@viewer_page("my_account")
@login_required
def my_account(request):
    # The apps' sections of "my account" (slot "my_page" of core.registry).
    panels = registry.gather("my_page", request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your details were saved."))
            # Back to the top, where the message is (not to the form's #profile-heading).
            return redirect(reverse("my_account") + "#main")
    else:
        user = request.user
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "full_name_kana": user.full_name_kana,
                "phone": user.phone,
            }
        )
    return render(request, "accounts/my_account.html", {"panels": panels, "form": form})


def _password_guesses(group, request) -> str:
    return f"account-close:{request.user.pk}"


@login_required
def account_close_view(request):
    """退会: what is erased, what is kept and why; the password to confirm. Refused while the
    person is a group's last representative (with the way to hand the role over)."""
    refusals = closing_refusals(request.user)
    data = request.POST if request.method == "POST" else None
    form = AccountCloseForm(data, user=request.user)
    if request.method == "POST" and not refusals:
        # Guessing the password of a phone left signed in: a few tries an hour.
        if limit_hit(request, scope="account-close", rate="10/h", key=_password_guesses):
            return rate_limited(request)
        if form.is_valid():
            try:
                account_close(actor=request.user, user=request.user)
            except AccountCloseRefused as exc:
                refusals = exc.refusals
            except AccountAlreadyClosed as exc:
                logout(request)
                messages.info(request, str(exc))
                return redirect("home")
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account is closed and you are signed out everywhere. Thank you "
                        "for using the portal."
                    ),
                )
                return redirect("home")
    return render(request, "accounts/account_close.html", {"form": form, "refusals": refusals})
