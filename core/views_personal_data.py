"""The admin's request page (開示請求): staff find, download, correct and erase what the portal
holds about one person (core/personal_data_requests.py does the work).

Every address travels in a POST body, never in a URL (no address in the server's access log or
the browser's history). An anonymous visitor goes to the admin's log-in; a signed-in official or
citizen is refused (403), also with a crafted POST.

    /admin/personal-data/           GET: the form; POST: the person's data (audited as a view)
    /admin/personal-data/download/  POST: the JSON or the printable HTML file (audited)
    /admin/personal-data/correct/   POST: one field of one record (audited)
    /admin/personal-data/erase/     POST: erase a person with no account (audited)
"""

from __future__ import annotations

from functools import update_wrapper

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import personal_data_requests as requests_
from core.personal_data_requests import CorrectionError, EraseError


class PersonForm(forms.Form):
    email = forms.EmailField(
        label=_("The person's e-mail address"),
        max_length=254,
        help_text=_(
            "The address the person gave the office (the account's or any other they used: a "
            "guest's registration, a newsletter sign-up, an opinion)."
        ),
    )


class DownloadForm(PersonForm):
    format = forms.ChoiceField(choices=[("json", "JSON"), ("html", "HTML")])


class CorrectForm(PersonForm):
    holding = forms.CharField(max_length=100)
    pk = forms.CharField(max_length=64)
    field = forms.CharField(max_length=100)
    value = forms.CharField(label=_("Corrected value"), required=False, strip=False)


class EraseForm(PersonForm):
    confirm = forms.EmailField(
        label=_("Type the address again to confirm"),
        max_length=254,
    )
    reason = forms.CharField(
        label=_("How the person asked"),
        max_length=300,
        help_text=_(
            "E.g. by letter on 6 December, identity checked at the desk. Do not write the "
            "person's name or address: this note is kept."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        email, confirm = cleaned.get("email"), cleaned.get("confirm")
        if email and confirm and requests_.normalise(email) != requests_.normalise(confirm):
            self.add_error("confirm", gettext("The two addresses differ."))
        return cleaned


def _page(request, *, form=None, report=None, not_found="", erase_form=None, status=200):
    from django.contrib import admin

    if report is not None:
        requests_.request_view_record(actor=request.user, report=report)
    changeable = set()
    if report is not None:
        models_ = {type_ for s in report.sections for type_ in [s.holding.model_class]}
        changeable = {m._meta.label for m in models_ if requests_.may_change(request.user, m)}
    context = {
        **admin.site.each_context(request),
        "changeable": changeable,
        "title": gettext("A person's request for their data"),
        "form": form or PersonForm(),
        "report": report,
        "not_found": not_found,
        "erase_form": erase_form
        or (EraseForm(initial={"email": report.email}) if report is not None else None),
    }
    return TemplateResponse(request, "core/personal_data/request.html", context, status=status)


def _find(email: str):
    return requests_.person_report(email=email)


def request_view(request):
    if request.method == "GET":
        return _page(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form)
    report = _find(form.cleaned_data["email"])
    if report is None:
        return _page(request, form=form, not_found=requests_.normalise(form.cleaned_data["email"]))
    return _page(request, form=form, report=report)


def download_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DownloadForm(request.POST)
    if not form.is_valid():
        return _page(request, form=PersonForm(request.POST), status=400)
    report = _find(form.cleaned_data["email"])
    if report is None:
        return _page(
            request,
            form=PersonForm(request.POST),
            not_found=requests_.normalise(form.cleaned_data["email"]),
        )
    kind = form.cleaned_data["format"]
    if kind == "json":
        body, content_type = requests_.report_json(report), "application/json; charset=utf-8"
    else:
        body, content_type = requests_.report_html(report, request=request), "text/html"
        content_type += "; charset=utf-8"
    requests_.request_export_record(actor=request.user, report=report, kind=kind)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{requests_.filename(report, kind)}"'
    return response


def correct_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CorrectForm(request.POST)
    if not form.is_valid():
        return _page(request, form=PersonForm(request.POST), status=400)
    data = form.cleaned_data
    try:
        requests_.record_value_correct(
            actor=request.user,
            email=data["email"],
            holding_key=data["holding"],
            pk=data["pk"],
            field_name=data["field"],
            value=data["value"],
        )
    except CorrectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("The value is corrected."))
    report = _find(data["email"])
    return _page(
        request,
        form=PersonForm(initial={"email": data["email"]}),
        report=report,
        not_found="" if report else requests_.normalise(data["email"]),
    )


def erase_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EraseForm(request.POST)
    email = request.POST.get("email", "")
    if not form.is_valid():
        report = _find(email) if PersonForm(request.POST).is_valid() else None
        return _page(
            request, form=PersonForm(request.POST), report=report, erase_form=form, status=400
        )
    try:
        counts = requests_.person_erase(
            actor=request.user, email=form.cleaned_data["email"], reason=form.cleaned_data["reason"]
        )
    except EraseError as exc:
        messages.error(request, str(exc))
        report = _find(form.cleaned_data["email"])
        return _page(request, form=PersonForm(request.POST), report=report)
    messages.success(
        request,
        gettext("The person's data is erased: %(count)s records are kept only as anonymous ones.")
        % {"count": sum(counts.values())},
    )
    report = _find(form.cleaned_data["email"])
    return _page(
        request,
        form=PersonForm(initial={"email": form.cleaned_data["email"]}),
        report=report,
        not_found="" if report else requests_.normalise(form.cleaned_data["email"]),
    )


def urls(site) -> list:
    """The request page's URLs, for the admin site's ``get_urls``."""

    def staff_only(view):
        def guarded(request, *args, **kwargs):
            # A signed-in official or citizen is refused outright (not sent to log in).
            user = request.user
            if user.is_authenticated and not (user.is_active and user.is_staff):
                raise PermissionDenied
            return site.admin_view(view)(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    return [
        path("personal-data/", staff_only(request_view), name="personal_data_request"),
        path(
            "personal-data/download/",
            staff_only(download_view),
            name="personal_data_download",
        ),
        path("personal-data/correct/", staff_only(correct_view), name="personal_data_correct"),
        path("personal-data/erase/", staff_only(erase_view), name="personal_data_erase"),
    ]
