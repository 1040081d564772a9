class PageViewMiddleware:
    """Counts page views per day and section (filled in by the reports capability)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
