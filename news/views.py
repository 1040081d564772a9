from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from core.pagecache import public_page
from core.pagination import paginate
from core.ratelimit import limit_hit, rate_limited
from news import selectors
from news.forms import OpinionForm
from news.models import NewsPost
from news.permissions import can_preview
from news.services import opinion_submit

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
    return render(request, "news/programme.html", {"page_obj": page_obj, "episodes": page_obj})


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
