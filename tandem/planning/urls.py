from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.home, name="home"),
    path("wish-lists/new/", views.wishlist_new, name="wishlist_new"),
    path("wish-lists/<int:pk>/", views.wishlist, name="wishlist"),
    path("wish-lists/<int:pk>/add/", views.wishlist_add, name="wishlist_add"),
    path("wish-lists/<int:pk>/copy-last-year/", views.wishlist_copy, name="wishlist_copy"),
    path("wish-lists/<int:pk>/runs/<int:run_pk>/", views.wished_run, name="wished_run"),
    path("wish-lists/<int:pk>/runs/<int:run_pk>/delete/", views.wished_run_delete, name="wished_run_delete"),
    path("wish-lists/<int:pk>/plan/", views.plan, name="plan"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/instance.json", views.job_instance, name="job_instance"),
    path("jobs/<int:pk>/result.json", views.job_result, name="job_result"),
    path("jobs/<int:pk>/stop/", views.job_stop, name="job_stop"),
    path("jobs/<int:pk>/what-if/", views.job_what_if, name="job_what_if"),
    path("jobs/<int:pk>/accept/", views.job_accept, name="job_accept"),
    path("availability/", views.availability, name="availability"),
    path("availability/<int:tutor_pk>/", views.availability_edit, name="availability_edit"),
]
