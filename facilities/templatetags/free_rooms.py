"""``{% free_room_form %}``: the free-room search form (空き状況検索), for the home page's panel and
the rooms page. ``with_equipment=False`` leaves the equipment out (the home page: a short form,
and no query; the results page offers the equipment)."""

from django import template

from facilities import selectors
from facilities.forms_free import form_from_query

register = template.Library()


@register.inclusion_tag("facilities/free_form.html")
def free_room_form(with_equipment=True, heading_id="free-search-title", equipment=None):
    """``equipment``: the page's ``selectors.equipment_now()`` when it has it (no query)."""
    if not with_equipment:
        choices = []
    elif equipment is not None:
        choices = [(i.equipment.pk, i.equipment.slug, i.equipment.name) for i in equipment]
    else:
        choices = selectors.search_equipment_choices()
    return {"form": form_from_query({}, equipment_choices=choices), "heading_id": heading_id}


@register.filter
def day_parts(items):
    """A day's grid items as the phone list's parts (``selectors.day_parts``)."""
    return selectors.day_parts(items)
