from django.urls import path

from news import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.list, name="list"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feeds/events/", feeds.EventsFeed(), name="events_feed"),
    path("<slug:slug>/", views.detail, name="detail"),
]
