from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

# admin.site is the office's own (core.admin_site.PortalAdminSite, INSTALLED_APPS): its titles,
# its log-in form, its home as the day's dashboard and its sections by the office's work.

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
    path("collaboration/", include("collaboration.urls")),
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
