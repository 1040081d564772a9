from django.urls import path

from facilities import views, views_change, views_desk, views_free, views_week

app_name = "facilities"

urlpatterns = [
    path("", views.index, name="index"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("free/", views_free.free_rooms, name="free"),
    path("bookings/", views.my_bookings, name="bookings"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/change/", views_change.booking_change, name="booking_change"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:pk>/cancel/", views.loan_cancel, name="loan_cancel"),
    path("desk/", views_desk.desk, name="desk"),
    path("desk/loans/<int:pk>/hand-out/", views_desk.desk_loan_hand_out, name="desk_loan_hand_out"),
    path("desk/loans/<int:pk>/return/", views_desk.desk_loan_return, name="desk_loan_return"),
    path("desk/loans/<int:pk>/decide/", views_desk.desk_loan_decide, name="desk_loan_decide"),
    path("desk/bookings/<int:pk>/record/", views_desk.desk_record, name="desk_record"),
    path("desk/bookings/<int:pk>/no-show/", views_desk.desk_no_show, name="desk_no_show"),
    path(
        "desk/bookings/<int:pk>/no-show/undo/",
        views_desk.desk_no_show_undo,
        name="desk_no_show_undo",
    ),
    path("desk/bookings/<int:pk>/decide/", views_desk.desk_decide, name="desk_decide"),
    path("desk/walk-ins/", views_desk.desk_walk_in, name="desk_walk_in"),
    path("feeds/groups/<slug:slug>/reset/", views.group_feed_reset, name="group_feed_reset"),
    path("feeds/groups/<slug:slug>/<str:token>.ics", views.group_feed, name="group_feed"),
    path("<slug:slug>/", views_week.room_week, name="room"),
    path("<slug:slug>/book/", views.book, name="book"),
    path("<slug:slug>/today/", views.room_today, name="room_today"),
    path("<slug:slug>/calendar.ics", views.room_feed, name="room_feed"),
]
