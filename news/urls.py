from django.urls import path
from django.views.decorators.http import require_safe

from news import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.list, name="list"),
    path("feed/", require_safe(feeds.NewsFeed()), name="feed"),
    path("feeds/events/", require_safe(feeds.EventsFeed()), name="events_feed"),
    path("<slug:slug>/", views.detail, name="detail"),
]
