from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("timetable/", views.timetable, name="timetable"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
]
