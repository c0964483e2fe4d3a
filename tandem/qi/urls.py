from django.urls import path

from . import views

app_name = "qi"
urlpatterns = [
    path("measures/", views.measures, name="measures"),
]
