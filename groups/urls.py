from django.urls import path

from groups import views

app_name = "groups"

# Fixed paths first: their first segment is in groups.models.RESERVED_SLUGS.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_csv, name="directory_csv"),
    path("apply/", views.apply, name="apply"),
    path("activities/", views.recent_activities, name="recent_activities"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/resubmit/", views.resubmit, name="resubmit"),
    path("<slug:slug>/renew/", views.renew, name="renew"),
    path("<slug:slug>/partners/", views.partners, name="partners"),
    path("<slug:slug>/contact/", views.contact, name="contact"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/invite/", views.invite, name="invite"),
    path("<slug:slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path(
        "<slug:slug>/members/<int:pk>/hand-over/",
        views.member_hand_over,
        name="member_hand_over",
    ),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/step-down/", views.step_down, name="step_down"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/activities/", views.group_activities, name="activities"),
    path("<slug:slug>/activities/new/", views.activity_create, name="activity_create"),
    path("<slug:slug>/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("<slug:slug>/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<slug:slug>/activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
]
