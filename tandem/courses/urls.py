from django.urls import path

from . import register_views, views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.course_edit, name="edit"),
    path("<int:pk>/retire/", views.course_retire, name="retire"),
    path("<int:pk>/runs/new/", views.run_create, name="run_create"),
    path("timetable/", views.timetable, name="timetable"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/edit/", views.run_edit, name="run_edit"),
    path("runs/<int:pk>/tutors/add/", views.run_assign, name="run_assign"),
    path("runs/<int:pk>/tutors/<int:tutor_pk>/remove/", views.run_remove, name="run_remove"),
    path("runs/<int:pk>/confirm/", views.run_confirm, name="run_confirm"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    # The session register
    path("sessions/mine/", register_views.my_sessions, name="my_sessions"),
    path("sessions/unrecorded/", register_views.unrecorded, name="unrecorded"),
    path("sessions/<int:pk>/record/", register_views.session_record, name="session_record"),
    path("sessions/<int:pk>/delivered/", register_views.session_quick_record, name="session_delivered"),
]
