from django.utils.functional import SimpleLazyObject

from pages.footer import office_footer


def office(request):
    """``office_footer``: the office's details, today's hours and the published pages (read only
    when a template uses it; kept in the process, see pages/footer.py)."""
    return {"office_footer": SimpleLazyObject(office_footer)}
