from django.urls import include, path
from django.views.decorators.http import require_safe

from newsletter import feeds, views, views_organiser

app_name = "newsletter"

urlpatterns = [
    path("", views.list, name="list"),
    path("feed/", require_safe(feeds.IssuesFeed()), name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    # The mail provider's bounce webhook, e.g. /newsletter/anymail/postmark/tracking/.
    path("anymail/", include("newsletter.webhooks")),
    path("<int:number>/", views.detail, name="detail"),
    # An event's organisers (and the office) write to its registrants (issue 15 part 2).
    path("events/<slug:slug>/message/", views_organiser.event_message, name="event_message"),
]
