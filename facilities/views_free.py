"""Find a free room (空き状況検索, issue #16 part 2): /facilities/free/, public, no login."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.pagecache import public_page
from facilities import selectors
from facilities.forms_free import form_from_query


@require_safe
@public_page("facilities:free")
def free_rooms(request):
    form = form_from_query(request.GET, equipment_choices=selectors.search_equipment_choices())
    search = None
    problem = None
    if form.is_bound:
        if form.is_valid():
            day, start, end = form.period()
            search = selectors.free_rooms(
                day=day,
                start=start,
                end=end,
                people=form.cleaned_data.get("people") or 1,
                equipment=form.equipment_wanted(),
                viewer=selectors.viewer_for(request.user),
            )
        else:
            problem = _(
                "The search could not be read. Please check the date, the times and the number "
                "of people below."
            )
    return render(
        request,
        "facilities/free.html",
        {"form": form, "search": search, "problem": problem},
    )
