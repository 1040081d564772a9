"""The go-between's pages (staff only): the follow-ups due, a consultation referred, an
introduction recorded from a group's partner suggestions, and what came of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import is_office_staff
from collaboration import selectors_gobetween as selectors
from collaboration import services_gobetween as services
from collaboration.forms_gobetween import IntroductionForm, OutcomeForm
from collaboration.models_gobetween import Introduction
from groups import selectors as group_selectors
from groups.models import Consultation, Group

SUGGESTIONS_SHOWN = 10


def _staff_only(user) -> None:
    if not is_office_staff(user):
        raise PermissionDenied


def _service_values(form) -> dict:
    data = form.cleaned_data
    return {
        "to_group": data.get("to_group"),
        "partner": data.get("partner"),
        "made_on": data["made_on"],
        "follow_up_on": data.get("follow_up_on"),
        "assignee": data.get("assignee"),
        "note": data.get("note", ""),
    }


@login_required
@require_safe
def follow_ups(request):
    _staff_only(request.user)
    context = selectors.follow_ups()
    context["to_refer"] = selectors.consultations_to_refer()
    return render(request, "collaboration/gobetween/follow_ups.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, pk):
    _staff_only(request.user)
    consultation = get_object_or_404(Consultation.objects.select_related("group"), pk=pk)
    form = IntroductionForm(
        request.POST or None,
        exclude_group=consultation.group,
        initial={"assignee": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_record(
                actor=request.user, consultation=consultation, **_service_values(form)
            )
        except services.GoBetweenError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The referral was recorded."))
            return redirect("collaboration:gobetween")
    return render(
        request,
        "collaboration/gobetween/referral_form.html",
        {"form": form, "consultation": consultation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def introduction_create(request, slug):
    _staff_only(request.user)
    group = get_object_or_404(Group.objects.registered(), slug=slug)
    suggestions = group_selectors.partner_suggestions(group, limit=SUGGESTIONS_SHOWN)
    initial = {"assignee": request.user.pk}
    chosen = request.GET.get("to", "")
    if chosen.isdigit():
        initial["to_group"] = int(chosen)
    form = IntroductionForm(request.POST or None, exclude_group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_record(
                actor=request.user, from_group=group, **_service_values(form)
            )
        except services.GoBetweenError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The introduction was recorded."))
            return redirect(reverse("collaboration:introduction_create", args=[group.slug]))
    return render(
        request,
        "collaboration/gobetween/introduction_form.html",
        {
            "form": form,
            "group": group,
            "suggestions": suggestions,
            "introductions": selectors.introductions_of_group(group),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def introduction_outcome(request, pk):
    _staff_only(request.user)
    try:
        introduction = selectors.introduction_for_page(pk)
    except Introduction.DoesNotExist:
        raise Http404 from None
    form = OutcomeForm(
        request.POST or None,
        initial={"outcome": introduction.outcome, "outcome_note": introduction.outcome_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_outcome_set(
                actor=request.user,
                introduction=introduction,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["outcome_note"],
            )
        except services.GoBetweenError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("What came of it was recorded."))
            return redirect("collaboration:gobetween")
    return render(
        request,
        "collaboration/gobetween/outcome_form.html",
        {"form": form, "introduction": introduction},
    )
