from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.home, name="home"),
    path("erase/tutor/<int:pk>/", views.erase, name="erase_tutor"),
]
