from importlib import import_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.services import user_update_profile

# Apps that show a panel on "my account": each has selectors.account_panel(user) and a
# template <app>/account_panel.html.
ACCOUNT_PANEL_APPS = ["groups", "facilities", "events"]


@login_required
def my_account(request):
    panels = []
    for app in ACCOUNT_PANEL_APPS:
        selectors = import_module(f"{app}.selectors")
        panels.append(
            {"template": f"{app}/account_panel.html", **selectors.account_panel(request.user)}
        )
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your details were saved."))
            return redirect("my_account")
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
