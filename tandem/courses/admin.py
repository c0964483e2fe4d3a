from django.contrib import admin

from tandem.accounts.admin_site import ReadOnlyAdmin

from .models import Course, CourseRun, Session

# Read only: courses, runs and sessions change through Tandem's pages and courses.services, which
# keep the co-production and co-delivery rules.


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "topic", "number_of_sessions", "status")
    list_filter = ("status", "college")


@admin.register(CourseRun)
class CourseRunAdmin(ReadOnlyAdmin):
    list_display = ("course", "term", "weekday", "start_time", "status")
    list_filter = ("status", "term")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("run", "date", "status", "peer_count", "staff_count")
    list_filter = ("status",)
