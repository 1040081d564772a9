from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bulletin import permissions, selectors, services
from bulletin.forms import FilterForm, PostForm, ReportForm
from bulletin.models import Category
from core.clientip import client_ip
from core.pagecache import public_page
from core.pagination import paginate
from core.ratelimit import limit_hit, rate_limited

PER_PAGE = 20


@require_safe
@public_page("bulletin:list")
def list(request):
    form = FilterForm(request.GET or None)
    category = None
    if form.is_bound:
        if form.is_valid():
            category = form.cleaned_data["category"] or None
        else:
            messages.error(request, _("There is no such category; showing every notice."))
            form = FilterForm()
    page_obj = paginate(request, selectors.board(category), PER_PAGE)
    return render(
        request,
        "bulletin/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "posts": page_obj,
            "categories": Category.choices,
            "category": category,
            "can_post": permissions.can_post(request.user),
        },
    )


@require_safe
@public_page("bulletin:detail")
def detail(request, pk):
    post = permissions.post_for_viewer(pk, request.user)
    can_manage = permissions.can_manage(request.user, post)
    return render(
        request,
        "bulletin/detail.html",
        {
            "post": post,
            "can_manage": can_manage,
            "can_report": post.is_visible and permissions.can_report(request.user, post),
            # Only the post's group is told about open reports (one count, for them only).
            "open_reports": selectors.open_report_count(post) if can_manage else 0,
        },
    )


@login_required
def create(request):
    if not permissions.can_post(request.user):
        raise PermissionDenied
    groups = permissions.posting_groups(request.user)
    form = PostForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        group = data.pop("group")
        try:
            post = services.post_create(actor=request.user, group=group, **data)
        except services.BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            if post.is_visible:
                messages.success(request, _("Your notice is on the board."))
            else:
                messages.success(
                    request, _("Thank you. Your notice will appear once the office has checked it.")
                )
            return redirect(post)
    quota = []
    if not permissions.can_moderate(request.user):
        quota = [
            {"group": g, "used": selectors.posts_this_year(g), "limit": selectors.yearly_quota(g)}
            for g in groups
        ]
    return render(request, "bulletin/form.html", {"form": form, "quota": quota})


@login_required
def edit(request, pk):
    post = permissions.post_for_manager(pk, request.user)
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(actor=request.user, post=post, **form.cleaned_data)
        except services.BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(post)
    return render(request, "bulletin/form.html", {"form": form, "post": post})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    """GET asks first (what happens, that it cannot be undone); POST withdraws."""
    post = permissions.post_for_manager(pk, request.user)
    if request.method == "GET":
        return render(request, "bulletin/withdraw.html", {"post": post})
    services.post_withdraw(actor=request.user, post=post)
    messages.success(request, _("The notice was taken off the board."))
    return redirect("bulletin:mine")


@login_required
@require_safe
def mine(request):
    """Every post of the user's groups, with its state (waiting, published, hidden...)."""
    groups = permissions.posting_groups(request.user) if permissions.can_post(request.user) else []
    if not groups:
        raise PermissionDenied
    page_obj = paginate(request, selectors.posts_for_group_admin(groups), PER_PAGE)
    return render(
        request,
        "bulletin/mine.html",
        {
            "page_obj": page_obj,
            "posts": page_obj,
            "any_reported": any(post.open_reports for post in page_obj),
        },
    )


def report(request, pk):
    post = permissions.post_for_viewer(pk, request.user)
    if not permissions.can_report(request.user, post):
        messages.info(
            request,
            _(
                "Your group posted this notice, so you cannot report it. "
                "You can edit it or take it off the board."
            ),
        )
        return redirect(post)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if limit_hit(request, scope="bulletin-report", rate="10/h"):
            return rate_limited(request)
        if form.is_valid():
            services.post_report(
                actor=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                ip=client_ip(request),
            )
            messages.success(request, _("Thank you. The office will look at this notice."))
            return redirect("bulletin:list")
    return render(request, "bulletin/report.html", {"form": form, "post": post})
