from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("", include("tandem.accounts.urls")),
    path("tutors/", include("tandem.tutors.urls")),
    path("courses/", include("tandem.courses.urls")),
    path("qi/", include("tandem.qi.urls")),
    path("admin/", admin.site.urls),
]
