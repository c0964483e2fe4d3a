from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_records, name="import"),
    path("setup/", views.first_run, name="setup"),
]
