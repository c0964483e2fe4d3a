from django.urls import path

from . import public_views

app_name = "prospectus"
urlpatterns = [
    path("<slug:college>/", public_views.prospectus, name="home"),
    path("<slug:college>/courses/<int:pk>/", public_views.prospectus_run, name="run"),
    path("<slug:college>/enrol/", public_views.sign_up, name="sign_up"),
]
