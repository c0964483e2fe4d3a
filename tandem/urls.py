from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("", include("tandem.accounts.urls")),
    path("tutors/", include("tandem.tutors.urls")),
    path("courses/", include("tandem.courses.urls")),
    path("qi/", include("tandem.qi.urls")),
    path("release/", include("tandem.release.urls")),
    path("pipeline/", include("tandem.pipeline.urls")),
    path("stories/", include("tandem.stories.urls")),
    path("payments/", include("tandem.payments.urls")),
    path("planning/", include("tandem.planning.urls")),
    path("students/", include("tandem.students.urls")),
    path("prospectus/", include("tandem.students.prospectus_urls")),
    path("audit/", include("tandem.audit.urls")),
    path("privacy/", include("tandem.privacy.urls")),
    path("admin/", admin.site.urls),
]

# Error pages: NHS.UK pages with a way back (tandem/core/errors.py).
handler400 = "tandem.core.errors.bad_request"
handler403 = "tandem.core.errors.permission_denied"
handler404 = "tandem.core.errors.page_not_found"
handler500 = "tandem.core.errors.server_error"
