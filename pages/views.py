from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from core import personal_data
from pages import selectors
from pages.footer import office_footer
from pages.models import Page


@require_safe
def page(request, kind: str | None = None, slug: str | None = None):
    """A page staff edit: its published version (staff may preview a draft, see selectors)."""
    view = selectors.page_for(request.user, kind=kind, slug=slug, number=request.GET.get("version"))
    context = {
        "view": view,
        "page": view.page,
        "version": view.version,
        "in_japanese_only": not (get_language() or "ja").startswith("ja"),
    }
    if view.page.kind == Page.Kind.PRIVACY:
        # What the portal holds, why, who sees it and for how long: from the personal-data
        # registry and the retention periods staff set, so the policy cannot drift from them.
        context["data_held"] = personal_data.policy()
    if view.page.kind == Page.Kind.ACCESS:
        footer = office_footer()
        context["office"] = footer.office
        context["weekdays"] = footer.week.weekdays()
    response = render(request, "pages/page.html", context)
    if view.preview:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response
