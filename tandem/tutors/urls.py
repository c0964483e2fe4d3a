from django.urls import path

from . import views

app_name = "tutors"
urlpatterns = [
    path("", views.tutor_list, name="list"),
    path("me/", views.my_record, name="me"),
    path("new/", views.tutor_create, name="create"),
    path("<int:pk>/", views.tutor_detail, name="detail"),
    path("<int:pk>/edit/", views.tutor_edit, name="edit"),
    path("<int:pk>/sensitive/", views.sensitive_profile, name="sensitive"),
]
