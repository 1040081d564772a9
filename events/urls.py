from django.urls import path

from events import views, views_organiser

app_name = "events"

urlpatterns = [
    path("", views.index, name="list"),
    path("feed.ics", views.feed, name="feed"),
    path("propose/", views.propose, name="propose"),
    path("guest/<str:token>/confirm/", views.guest_confirm, name="guest_confirm"),
    path("guest/<str:token>/", views.guest_manage, name="guest_manage"),
    path("guest/<str:token>/cancel/", views.guest_cancel, name="guest_cancel"),
    path("surveys/<slug:slug>/", views.survey, name="survey"),
    path("surveys/<slug:slug>/results/", views.survey_results, name="survey_results"),
    path("surveys/<slug:slug>/results.csv", views.survey_results_csv, name="survey_results_csv"),
    path(
        "surveys/<slug:slug>/charts/<int:question_id>.svg",
        views.survey_chart,
        name="survey_chart",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/event.ics", views.event_ics, name="ics"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register/guest/", views.register_guest, name="register_guest"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    # Running an event: the office staff and the organising group (events.views_organiser).
    path("<slug:slug>/manage/", views_organiser.manage, name="manage"),
    path("<slug:slug>/manage/registrants/", views_organiser.registrants, name="registrants"),
    path("<slug:slug>/door/", views.door_list, name="door_list"),
    path("<slug:slug>/door.csv", views.door_list_csv, name="door_list_csv"),
    path("<slug:slug>/attendance/", views.attendance, name="attendance"),
    path("<slug:slug>/attendance/walk-in/", views.walk_in, name="walk_in"),
]
