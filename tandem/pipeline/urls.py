from django.urls import path

from . import views

app_name = "pipeline"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("add/", views.entry_add, name="add"),
    path("funnel/", views.funnel, name="funnel"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/stage/", views.entry_stage, name="stage"),
    # Posts of the public form matching an existing record, for the College to review.
    path("submissions/<int:pk>/", views.submission_review, name="submission"),
    # Public (no sign-in): Trust staff say they are interested in teaching.
    path("<slug:college>/interested/", views.interested, name="interested"),
    path("<slug:college>/interested/thanks/", views.thanks, name="thanks"),
]
