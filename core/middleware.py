from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Japanese unless the visitor chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a citizen whose
    phone is set to English would see English without asking; the city's portal speaks Japanese
    first and offers English on request.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
