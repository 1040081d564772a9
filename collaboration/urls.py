from django.urls import path

from collaboration import views, views_gobetween

app_name = "collaboration"

urlpatterns = [
    path("", views.index, name="index"),
    path("themes/", views.themes, name="themes"),
    path("themes/<slug:slug>/", views.theme, name="theme"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path(
        "proposals/<int:pk>/submit/",
        views.proposal_step,
        {"step": "submit"},
        name="proposal_submit",
    ),
    path(
        "proposals/<int:pk>/withdraw/",
        views.proposal_step,
        {"step": "withdraw"},
        name="proposal_withdraw",
    ),
    # The confirmation page before withdrawing (GET); the withdrawal itself is the POST above.
    path(
        "proposals/<int:pk>/withdraw/confirm/",
        views.proposal_withdraw_confirm,
        name="proposal_withdraw_confirm",
    ),
    path("proposals/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="proposal_assign"),
    path("proposals/<int:pk>/meetings/new/", views.meeting_record, name="meeting_record"),
    path("proposals/<int:pk>/answer/", views.proposal_answer, name="proposal_answer"),
    path("desk/", views.desk, name="desk"),
    path("projects/", views.projects, name="projects"),
    path("projects/<slug:slug>/", views.project, name="project"),
    path("projects/<slug:slug>/workspace/", views.project_workspace, name="project_workspace"),
    path("projects/<slug:slug>/agreement/", views.agreement_record, name="agreement_record"),
    path(
        "projects/<slug:slug>/documents/",
        views.project_document_add,
        name="project_document_add",
    ),
    path(
        "projects/<slug:slug>/reports/new/", views.progress_report_add, name="progress_report_add"
    ),
    path("projects/<slug:slug>/final/", views.final_report_submit, name="final_report_submit"),
    path("projects/<slug:slug>/evaluate/", views.evaluation_submit, name="evaluation_submit"),
    path("project-files/<int:pk>/", views.project_file, name="project_file"),
    path("desk/themes/new/", views.theme_create, name="theme_create"),
    # The go-between's record (staff): follow-ups, referrals, introductions, outcomes.
    path("gobetween/", views_gobetween.follow_ups, name="gobetween"),
    path(
        "gobetween/consultations/<int:pk>/refer/",
        views_gobetween.referral_create,
        name="referral_create",
    ),
    path(
        "gobetween/groups/<slug:slug>/introduce/",
        views_gobetween.introduction_create,
        name="introduction_create",
    ),
    path(
        "gobetween/<int:pk>/outcome/",
        views_gobetween.introduction_outcome,
        name="introduction_outcome",
    ),
]
