"""``{% free_room_form %}``: the free-room search form (空き状況検索), for the home page's panel and
the rooms page; ``choices`` (the equipment, from ``selectors.search_equipment_choices``) may be
given when the page has them already (the home page keeps its panels' contexts)."""

from django import template

from facilities import selectors
from facilities.forms_free import form_from_query

register = template.Library()


@register.inclusion_tag("facilities/free_form.html")
def free_room_form(choices=None, heading_id="free-search-title"):
    if choices is None:
        choices = selectors.search_equipment_choices()
    return {"form": form_from_query({}, equipment_choices=choices), "heading_id": heading_id}
