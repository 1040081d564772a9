from django.urls import path

from collaboration import views

app_name = "collaboration"

urlpatterns = [
    path("", views.index, name="index"),
    path("themes/", views.themes, name="themes"),
    path("themes/<slug:slug>/", views.theme, name="theme"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="proposal_assign"),
    path("proposals/<int:pk>/meetings/new/", views.meeting_record, name="meeting_record"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="proposal_answer"),
    path("desk/", views.desk, name="desk"),
    path("desk/themes/new/", views.theme_create, name="theme_create"),
]
