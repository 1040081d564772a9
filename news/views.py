from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.pagecache import public_page
from core.pagination import paginate
from core.ratelimit import limit_hit, rate_limited
from groups.permissions import groups_user_can_act_for
from news import selectors
from news.forms import AppearanceForm, OpinionForm
from news.models import NewsPost
from news.permissions import can_ask_to_appear, can_preview
from news.services import AppearanceError, appearance_request, opinion_submit

PER_PAGE = 20


@require_safe
@public_page("news:list")
def list(request):
    page_obj = paginate(request, selectors.published_news(), PER_PAGE)
    return render(request, "news/list.html", {"page_obj": page_obj, "posts": page_obj})


@require_safe
@public_page("news:detail")
def detail(request, slug):
    post = get_object_or_404(NewsPost, slug=slug)
    if not post.is_published and not can_preview(request.user):
        raise Http404
    return render(request, "news/detail.html", {"post": post})


@require_safe
def programme(request):
    page_obj = paginate(request, selectors.programme(), PER_PAGE)
    return render(
        request,
        "news/programme.html",
        {
            "page_obj": page_obj,
            "episodes": page_obj,
            "can_ask_to_appear": can_ask_to_appear(request.user),
        },
    )


@require_safe
def episode(request, pk):
    shown = selectors.episode_page(pk, preview=can_preview(request.user))
    if shown is None:
        raise Http404
    return render(
        request,
        "news/episode.html",
        {"episode": shown, "can_ask_to_appear": can_ask_to_appear(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def appear(request):
    """A registered group's member asks for the group to appear on the programme."""
    groups = groups_user_can_act_for(request.user)
    group_list = [*groups]  # (this module's "list" is the news list view)
    if not group_list:
        # Refused (403), with what to do first rather than a bare "not allowed".
        return render(request, "news/appear.html", status=403)
    form = AppearanceForm(request.POST or None, groups=groups, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            appearance_request(actor=request.user, **form.cleaned_data)
        except AppearanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Thank you. The office will answer your request by e-mail.")
            )
            return redirect("programme:appear")
    return render(
        request,
        "news/appear.html",
        {"form": form, "requests": selectors.appearance_requests_of(group_list)},
    )


def opinion(request):
    if request.method == "POST":
        if limit_hit(request, scope="opinion-box", rate="5/h"):
            return rate_limited(request)
        form = OpinionForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website_url"}
            opinion_submit(actor=request.user, **data)
            return redirect("opinion:thanks")
    else:
        initial = {}
        if request.user.is_authenticated:
            initial = {"name": request.user.full_name, "email": request.user.email}
        form = OpinionForm(initial=initial)
    return render(request, "news/opinion.html", {"form": form})


@require_safe
def opinion_thanks(request):
    return render(request, "news/opinion_thanks.html")
