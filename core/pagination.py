"""The one pagination helper of every list page.

``?page=`` comes from links people keep, share and edit by hand, so it never ends in an error:
a missing, garbled or too-small number shows the first page, one beyond the end the last page.
Templates show the page links with ``{% include "partials/pagination.html" %}``, which keeps
the list's other query parameters (filters, search words) in its links.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_number(value: str | None, num_pages: int) -> int:
    """``value`` as a page between 1 and ``num_pages``: garbled → 1, beyond the end → last."""
    value = (value or "1").strip()
    if value.isascii() and value.isdigit() and len(value) > 18:
        return max(num_pages, 1)  # a huge number (int() refuses thousands of digits)
    try:
        number = int(value)
    except ValueError:
        return 1
    return min(max(number, 1), max(num_pages, 1))


def paginate(request, object_list, per_page: int) -> Page:
    """The page of ``object_list`` that ``?page=`` asks for (see the module's docstring)."""
    paginator = Paginator(object_list, per_page)
    return paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
