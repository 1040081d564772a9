from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import views as core_views
from core.ratelimit import StaffLoginForm

admin.site.site_header = _("Kyodo Office administration")
admin.site.site_title = _("Kyodo Office administration")
admin.site.index_title = _("Office administration")
# The admin's log-in counts attempts and failures with the portal's (core/ratelimit.py).
admin.site.login_form = StaffLoginForm

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/mails/", include("maillog.urls")),
    path("accounts/", include("allauth.urls")),
    path("groups/", include("groups.urls")),
    path("facilities/", include("facilities.urls")),
    path("events/", include("events.urls")),
    path("news/", include("news.urls")),
    path("programme/", include("news.urls_programme")),
    path("opinion/", include("news.urls_opinion")),
    path("newsletter/", include("newsletter.urls")),
    path("bulletin/", include("bulletin.urls")),
    path("reports/", include("reports.urls")),
    path("", include("pages.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
