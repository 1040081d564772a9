from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.fiscal import FiscalYear
from core.pagecache import public_page
from core.ratelimit import limit_hit, rate_limited
from newsletter import selectors, services, tokens
from newsletter.forms import PreferencesForm, SubscribeForm
from newsletter.models import NewsletterIssue
from newsletter.permissions import can_preview


@require_safe
@public_page("newsletter:list")
def list(request):
    """Public issues, grouped by fiscal year (April–March); ?year=2025 picks a year."""
    years = selectors.issue_years()
    raw = request.GET.get("year")
    if raw:
        try:
            year = int(raw)
        except ValueError:
            raise Http404(_("There is no such year.")) from None
        if year not in years:
            raise Http404(_("There are no issues for that year."))
    else:
        year = years[0] if years else FiscalYear.current().year
    fiscal_year = FiscalYear(year)
    issues = selectors.issues_of_year(fiscal_year)
    return render(
        request,
        "newsletter/list.html",
        {"years": years, "year": fiscal_year, "issues": issues},
    )


@require_safe
@public_page("newsletter:detail")
def detail(request, number):
    issue = get_object_or_404(NewsletterIssue, number=number)
    if not issue.is_public and not can_preview(request.user):
        raise Http404
    try:
        pdf_size = issue.pdf.size if issue.pdf else None
    except OSError:  # the file is missing from storage: link it anyway, without a size
        pdf_size = None
    return render(request, "newsletter/detail.html", {"issue": issue, "pdf_size": pdf_size})


def subscribe(request):
    if request.method == "POST":
        if limit_hit(request, scope="newsletter-subscribe", rate="10/h"):
            return rate_limited(request)
        form = SubscribeForm(request.POST)
        if form.is_valid():
            # A second limit per address: nobody floods one inbox from many places.
            if limit_hit(
                request,
                scope="newsletter-subscribe-address",
                rate="3/h",
                key=lambda group, req: form.cleaned_data["email"].lower(),
            ):
                return rate_limited(request)
            services.subscriber_subscribe(
                email=form.cleaned_data["email"], interests=form.cleaned_data["interests"]
            )
            return redirect("newsletter:subscribe_sent")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = SubscribeForm(initial=initial)
    return render(request, "newsletter/subscribe.html", {"form": form})


@require_safe
def subscribe_sent(request):
    return render(request, "newsletter/subscribe_sent.html")


def _bad_link(request, reason: str, status: int = 400):
    return render(request, "newsletter/bad_link.html", {"reason": reason}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button (mail scanners that open links do not subscribe anyone); POST
    confirms."""
    try:
        tokens.read_confirm_token(token)
    except tokens.TokenError as exc:
        return _bad_link(request, exc.reason)
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        subscriber, already = services.subscriber_confirm(token=token)
    except tokens.TokenError as exc:
        return _bad_link(request, exc.reason)
    return render(
        request,
        "newsletter/confirmed.html",
        {"subscriber": subscriber, "already": already, "token": tokens.manage_token(subscriber)},
    )


@csrf_exempt  # RFC 8058 one-click: mail programs POST here without a form or cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button. POST (from that page, or a mail program's one-click
    button with ``List-Unsubscribe=One-Click``): unsubscribe at once."""
    try:
        subscriber = services.subscriber_from_manage_token(token)
    except tokens.TokenError as exc:
        return _bad_link(request, exc.reason)
    if request.method == "POST":
        changed = services.subscriber_unsubscribe(
            subscriber=subscriber,
            via="one-click" if request.POST.get("List-Unsubscribe") == "One-Click" else "page",
        )
        return render(request, "newsletter/unsubscribed.html", {"changed": changed, "token": token})
    return render(
        request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


def preferences(request, token):
    try:
        subscriber = services.subscriber_from_manage_token(token)
    except tokens.TokenError as exc:
        return _bad_link(request, exc.reason)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid() and subscriber.is_receiving:
            services.subscriber_interests_update(
                subscriber=subscriber, interests=form.cleaned_data["interests"]
            )
            messages.success(request, _("Your choice of topics was saved."))
            return redirect("newsletter:preferences", token=token)
    else:
        form = PreferencesForm(initial={"interests": subscriber.interests.all()})
    return render(
        request,
        "newsletter/preferences.html",
        {"form": form, "subscriber": subscriber, "token": token},
    )
