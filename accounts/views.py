from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.services import user_profile_update
from core import registry


@login_required
def my_account(request):
    # The apps' sections of "my account" (slot "my_page" of core.registry).
    panels = registry.gather("my_page", request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_profile_update(user=request.user, **form.cleaned_data)
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
